package dev.portcullis.tunnel;

/**
 * Why a stream ended abnormally. Codes travel in RST_STREAM frames (standard HTTP/2 codes, RFC 9113 §7) or, for
 * failures the agent reports before any response, in the {@code portcullis-error} header of a synthetic response.
 */
public enum TunnelErrorCode {
    /** The agent refused the target: no app with that session, name and port is registered on its node. */
    TARGET_REFUSED("target-refused", 0x0),
    /** The app's port refused the connection (nothing listening: the app is not up yet, or it died). */
    CONNECT_REFUSED("connect-refused", 0x0),
    /** The app's port did not accept the connection in time. */
    CONNECT_TIMEOUT("connect-timeout", 0x0),
    /** The app did not send a response head in time. */
    RESPONSE_TIMEOUT("response-timeout", 0x0),
    /** Malformed request or response on the stream (smuggling shapes, bad headers, content-length mismatch). */
    PROTOCOL_ERROR("protocol-error", 0x1),
    /** The app or agent failed mid-stream. */
    INTERNAL_ERROR("internal-error", 0x2),
    /** The stream was refused before any processing (stream limit, draining); safe to retry elsewhere. */
    REFUSED_STREAM("refused-stream", 0x7),
    /** One side gave up on the stream (client went away, app closed its connection mid-response). */
    CANCEL("cancel", 0x8),
    /** The tunnel connection itself was lost (agent died, network cut, GOAWAY with this stream unprocessed). */
    TUNNEL_CLOSED("tunnel-closed", 0x2);

    private final String token;
    private final long http2Code;

    TunnelErrorCode(String token, long http2Code) {
        this.token = token;
        this.http2Code = http2Code;
    }

    /** The value of the {@code portcullis-error} header for this code. */
    public String token() {
        return token;
    }

    /** The RST_STREAM error code that carries this code. */
    public long http2Code() {
        return http2Code;
    }

    /** The code named by a {@code portcullis-error} header value, or {@link #INTERNAL_ERROR} if unknown. */
    public static TunnelErrorCode fromToken(CharSequence token) {
        for (TunnelErrorCode c : values()) {
            if (c.token.contentEquals(token)) {
                return c;
            }
        }
        return INTERNAL_ERROR;
    }

    /** The code for an RST_STREAM error code received from the peer. */
    public static TunnelErrorCode fromHttp2Code(long code) {
        if (code == 0x1) {
            return PROTOCOL_ERROR;
        } else if (code == 0x7) {
            return REFUSED_STREAM;
        } else if (code == 0x8) {
            return CANCEL;
        }
        return INTERNAL_ERROR;
    }
}
