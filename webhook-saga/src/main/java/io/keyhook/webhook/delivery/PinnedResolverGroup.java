package io.keyhook.webhook.delivery;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Resolves every host to the one address the target guard checked, so the connection goes where
 * the check said it may (no second DNS answer in between), while Host header and TLS SNI keep the
 * URL's host name.
 */
final class PinnedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final InetAddress address;

    PinnedResolverGroup(InetAddress address) {
        this.address = address;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
            @Override
            protected void doResolve(String host, Promise<InetAddress> promise) {
                promise.setSuccess(address);
            }

            @Override
            protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                promise.setSuccess(List.of(address));
            }
        });
    }
}
