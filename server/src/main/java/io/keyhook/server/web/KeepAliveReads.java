package io.keyhook.server.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Asks for the next read on a keep-alive connection after every response. Reactor Netty up to 1.2.x
 * reads a connection on demand and can forget to ask: a request that arrives while the one before
 * is still finishing is held back, and when the held-back request is answered at once (from memory),
 * nothing asks for the next read, so the request after it waits until the client gives up
 * (reactor/reactor-netty#4361, fixed in 1.3.8). One more read request after a response is what the
 * server does anyway once a request is done; a request it reads early is held back as usual.
 */
@Component
public class KeepAliveReads implements NettyServerCustomizer {

    private final ChannelHandler handler = new ReadAfterResponse();

    @Override
    public HttpServer apply(HttpServer httpServer) {
        return httpServer.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "keyhook.keepAliveReads", handler);
            }
        });
    }

    @ChannelHandler.Sharable
    private static final class ReadAfterResponse extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent) {
                Channel channel = ctx.channel();
                // After the tasks the write runs in: the server may still be handing out requests it held back.
                promise.addListener(written -> channel.eventLoop().execute(() -> {
                    if (written.isSuccess() && channel.isActive()) {
                        channel.read();
                    }
                }));
            }
            ctx.write(msg, promise);
        }
    }
}
