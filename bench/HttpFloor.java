import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor of the HTTP benchmark (run by bench/http.sh): the least a Reactor Netty server can do to
 * answer a GET, here with the very bytes Keyhook's {@code GET /api/v1/items} returned, as JSON, on
 * every path. Arguments: the port (loopback only) and the file holding the body. Runs until killed.
 */
public class HttpFloor {

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        ByteBuf shared = Unpooled.unreleasableBuffer(Unpooled.directBuffer(body.length).writeBytes(body));
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(Integer.parseInt(args[0]))
                .handle((request, response) -> response
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                        .send(Mono.just(shared.retainedDuplicate())))
                .bindNow();
        System.out.println("floor listening on 127.0.0.1:" + server.port() + ", " + body.length + " bytes per answer");
        server.onDispose().block();
    }
}
