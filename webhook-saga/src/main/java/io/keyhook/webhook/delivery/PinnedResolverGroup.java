package io.keyhook.webhook.delivery;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves every host to the address the target guard checked last for it, so a new connection goes
 * where the check said it may (no second DNS answer in between), while the Host header and TLS SNI
 * keep the URL's host name. One for the whole client: connections are pooled per host and port, and
 * a host the guard has not checked cannot be resolved at all.
 */
final class PinnedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final Map<String, InetAddress> checked = new ConcurrentHashMap<>();

    void pin(String host, InetAddress address) {
        checked.put(host, address);
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
            @Override
            protected void doResolve(String host, Promise<InetAddress> promise) {
                InetAddress address = checked.get(host);
                if (address == null) {
                    promise.setFailure(new UnknownHostException(host + " was not checked by the target guard"));
                } else {
                    promise.setSuccess(address);
                }
            }

            @Override
            protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                InetAddress address = checked.get(host);
                if (address == null) {
                    promise.setFailure(new UnknownHostException(host + " was not checked by the target guard"));
                } else {
                    promise.setSuccess(List.of(address));
                }
            }
        });
    }
}
