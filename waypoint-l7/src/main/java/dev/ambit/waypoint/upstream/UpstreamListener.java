package dev.ambit.waypoint.upstream;

import io.netty.handler.codec.http.HttpObject;

/** Receives one leased stream's response. Called on the stream's event loop. */
public interface UpstreamListener {

    /** A response head, body chunk or end; the listener owns (and releases) it. */
    void onResponse(HttpObject message);

    /** The stream can take more of the request body. */
    void onWritable();

    /** The stream closed or failed before its response ended. */
    void onStreamError(Throwable cause);
}
