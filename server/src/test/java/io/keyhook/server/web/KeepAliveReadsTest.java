package io.keyhook.server.web;

import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.RepeatedTest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * One keep-alive connection: a request that takes a moment, right behind it one answered from
 * memory (the console's page), then, after both answers, a third. The third must be answered,
 * not left unread until the client gives up.
 */
class KeepAliveReadsTest extends KeyhookAppTest {

    @RepeatedTest(5)
    void aRequestAfterOneAnsweredFromMemoryIsRead() throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write((get("/actuator/health") + get("/index.html")).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(status(in)).as("health").isEqualTo(200);
            assertThat(status(in)).as("the page behind it").isEqualTo(200);

            out.write(get("/index.html").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                assertThat(status(in)).as("the next request on the connection").isEqualTo(200);
            } catch (SocketTimeoutException unread) {
                fail("the server did not read the next request on the keep-alive connection within 10 s");
            }
        }
    }

    private String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n";
    }

    /** Reads one response (with a Content-Length or chunked body) and answers its status. */
    private static int status(InputStream in) throws IOException {
        int status = Integer.parseInt(line(in).split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(header.indexOf(':') + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                in.readNBytes(size);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            in.readNBytes((int) length);
        }
        return status;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
