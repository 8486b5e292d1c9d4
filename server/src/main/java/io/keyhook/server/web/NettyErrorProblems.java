package io.keyhook.server.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Gives a problem body to the errors that are answered bare, before any filter or handler runs:
 * Reactor Netty's own 414 (a request line over {@code server.netty.max-initial-line-length}), 431
 * (headers over {@code server.max-http-request-header-size}) and 400 (a request it cannot decode),
 * and Spring's 400 for a URI it cannot parse. It sits right behind the HTTP codec, so it sees every
 * response; one that already has a body or a {@code Content-Type} passes untouched.
 */
@Component
public class NettyErrorProblems implements NettyServerCustomizer {

    private final ProblemWriter writer;
    private final ServerProperties server;
    private final ChannelHandler handler = new BareErrorBodies();

    public NettyErrorProblems(ProblemWriter writer, ServerProperties server) {
        this.writer = writer;
        this.server = server;
    }

    @Override
    public HttpServer apply(HttpServer httpServer) {
        return httpServer.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "keyhook.errorProblems", handler);
            }
        });
    }

    private ProblemDetail problem(int status) {
        return switch (status) {
            case 414 -> ApiProblem.of(HttpStatus.URI_TOO_LONG, "uri-too-long", "URI too long",
                    "the request line is longer than " + server.getNetty().getMaxInitialLineLength().toBytes() + " bytes")
                    .problem();
            case 431 -> ApiProblem.of(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large",
                    "Request header fields too large", "the request headers are larger than "
                            + server.getMaxHttpRequestHeaderSize().toBytes() + " bytes").problem();
            case 400 -> ApiProblem.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                    "the request is not valid HTTP or its URI is malformed").problem();
            default -> {
                HttpStatus known = HttpStatus.valueOf(status);
                yield ApiProblem.of(known, "http-" + status, known.getReasonPhrase(), "the request could not be served")
                        .problem();
            }
        };
    }

    @ChannelHandler.Sharable
    private final class BareErrorBodies extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof FullHttpResponse response && response.status().code() >= 400
                    && !response.content().isReadable() && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
                byte[] body = writer.bytes(problem(response.status().code()));
                FullHttpResponse problem = response.replace(Unpooled.wrappedBuffer(body));
                response.release();
                problem.headers().set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                ctx.write(problem, promise);
                return;
            }
            ctx.write(msg, promise);
        }
    }
}
