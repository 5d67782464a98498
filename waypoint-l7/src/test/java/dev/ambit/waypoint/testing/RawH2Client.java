package dev.ambit.waypoint.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 with prior knowledge the way curl speaks it: preface, SETTINGS and the request HEADERS on stream 1 in one
 * write, then frames read until the stream ends. Netty's client starts at stream 3, which hides bugs about stream 1.
 */
public final class RawH2Client {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    public record Response(String status, String body) {
    }

    private RawH2Client() {
    }

    /** GETs {@code path} on stream 1; fails with the frame type if the server ends the connection first. */
    public static Response get(int port, String authority, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request(authority, path));
            out.flush();
            return readResponse(new DataInputStream(socket.getInputStream()), out);
        }
    }

    /**
     * Sends the same request and a FIN right after it, then expects the answer (a GOAWAY may come first) and the
     * server's end of the connection, each within 5 s.
     */
    public static Response getThenEnd(int port, String authority, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request(authority, path));
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            Response response = readResponse(new DataInputStream(in), null);
            while (in.read() >= 0) {
                // Up to the server's FIN.
            }
            return response;
        }
    }

    /** The preface, SETTINGS and a GET on stream 1, as one write. */
    private static byte[] request(String authority, String path) throws Exception {
        ByteBuf request = Unpooled.buffer();
        ByteBuf block = Unpooled.buffer();
        try {
            request.writeBytes(PREFACE);
            frameHeader(request, 0, SETTINGS, 0, 0);
            new DefaultHttp2HeadersEncoder().encodeHeaders(1, new DefaultHttp2Headers()
                    .method("GET").scheme("http").authority(authority).path(path), block);
            frameHeader(request, block.readableBytes(), HEADERS, END_STREAM | END_HEADERS, 1);
            request.writeBytes(block);
            return ByteBufUtil.getBytes(request);
        } finally {
            block.release();
            request.release();
        }
    }

    /**
     * @param out where to acknowledge SETTINGS; null once the client ended its output, which makes a GOAWAY before
     *     the answer expected
     */
    private static Response readResponse(DataInputStream in, OutputStream out) throws Exception {
        String status = null;
        StringBuilder body = new StringBuilder();
        while (true) {
            int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new EOFException("connection ended inside a frame");
            }
            if (type == GOAWAY && out != null) {
                throw new IOException("GOAWAY before the response ended; status so far " + status);
            }
            if (type == SETTINGS && (flags & 0x1) == 0 && out != null) {
                ByteBuf ack = Unpooled.buffer(9);
                frameHeader(ack, 0, SETTINGS, 0x1, 0);
                out.write(ByteBufUtil.getBytes(ack));
                ack.release();
            }
            if (stream != 1) {
                continue;
            }
            if (type == HEADERS) {
                ByteBuf block = Unpooled.wrappedBuffer(payload);
                Http2Headers headers = new DefaultHttp2HeadersDecoder(true).decodeHeaders(1, block);
                block.release();
                status = String.valueOf(headers.status());
            } else if (type == DATA) {
                body.append(new String(payload, StandardCharsets.UTF_8));
            }
            if ((flags & END_STREAM) != 0) {
                return new Response(status, body.toString());
            }
        }
    }

    private static void frameHeader(ByteBuf out, int length, int type, int flags, int stream) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(stream);
    }
}
