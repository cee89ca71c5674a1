package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.TunnelHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated request head from the proxy, and its HTTP/1.1 form toward the app. Validation is strict on purpose:
 * whatever passes here is written verbatim into an HTTP/1.1 request, so anything that could split or smuggle a
 * request (CR, LF, NUL, spaces in the target, odd header names) is refused.
 *
 * @param contentLength the declared body length, or -1
 */
record RequestHead(
        String method, String path, String authority, String session, String app, int port, String upgrade,
        List<Map.Entry<String, String>> headers, long contentLength) {

    /** Headers that describe the connection, not the message (RFC 9110 §7.6.1); never forwarded. */
    static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer",
            "http2-settings");

    /** Why a request head was refused (message safe to log). */
    static final class InvalidRequestException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRequestException(String message) {
            super(message, null, false, false);
        }
    }

    static RequestHead parse(Http2Headers h) throws InvalidRequestException {
        String method = required(h.method(), ":method");
        if (!isToken(method) || method.length() > 32) {
            throw new InvalidRequestException("bad :method");
        }
        String path = required(h.path(), ":path");
        if (path.charAt(0) != '/' || !isVisibleAscii(path)) {
            throw new InvalidRequestException("bad :path");
        }
        String authority = required(h.authority(), ":authority");
        if (!isAuthority(authority)) {
            throw new InvalidRequestException("bad :authority");
        }
        String session = required(h.get(TunnelHeaders.SESSION), "portcullis-session");
        String app = required(h.get(TunnelHeaders.APP), "portcullis-app");
        String portText = required(h.get(TunnelHeaders.PORT), "portcullis-port");
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("bad portcullis-port");
        }
        CharSequence upgradeValue = h.get(TunnelHeaders.UPGRADE);
        String upgrade = upgradeValue == null ? null : upgradeValue.toString();
        if (upgrade != null && !isToken(upgrade)) {
            throw new InvalidRequestException("bad portcullis-upgrade");
        }

        List<Map.Entry<String, String>> headers = new ArrayList<>();
        StringBuilder cookies = null;
        long contentLength = -1;
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            String name = e.getKey().toString();
            String value = e.getValue().toString();
            if (name.startsWith(":")) {
                if (!name.equals(":method") && !name.equals(":path") && !name.equals(":scheme")
                        && !name.equals(":authority")) {
                    throw new InvalidRequestException("unexpected pseudo-header");
                }
                continue;
            }
            if (!isToken(name) || !name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidRequestException("bad header name");
            }
            if (!isFieldValue(value)) {
                throw new InvalidRequestException("bad value of header " + name);
            }
            if (name.startsWith("portcullis-") || name.equals("host") || HOP_BY_HOP.contains(name)) {
                continue; // consumed here, replaced by :authority, or connection-specific
            }
            if (name.equals("content-length")) {
                if (contentLength != -1) {
                    throw new InvalidRequestException("duplicate content-length");
                }
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException ex) {
                    contentLength = -2;
                }
                if (contentLength < 0) {
                    throw new InvalidRequestException("bad content-length");
                }
                continue;
            }
            if (name.equals("cookie")) {
                // SPEC: RFC 9113 §8.2.3: HTTP/2 may split Cookie; HTTP/1.1 needs one field joined by "; ".
                cookies = cookies == null ? new StringBuilder(value) : cookies.append("; ").append(value);
                continue;
            }
            headers.add(Map.entry(name, value));
        }
        if (cookies != null) {
            headers.add(Map.entry("cookie", cookies.toString()));
        }
        return new RequestHead(method, path, authority, session, app, port, upgrade, List.copyOf(headers), contentLength);
    }

    /** The HTTP/1.1 request head for the app. {@code hasBody}: whether DATA may follow. */
    HttpRequest toHttp1(boolean hasBody) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path);
        req.headers().set(HttpHeaderNames.HOST, authority);
        for (Map.Entry<String, String> e : headers) {
            req.headers().add(e.getKey(), e.getValue());
        }
        if (upgrade != null) {
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            req.headers().set(HttpHeaderNames.UPGRADE, upgrade);
        } else if (contentLength >= 0) {
            req.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        } else if (hasBody) {
            req.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return req;
    }

    private static String required(CharSequence v, String name) throws InvalidRequestException {
        if (v == null || v.length() == 0) {
            throw new InvalidRequestException("missing " + name);
        }
        return v.toString();
    }

    /** RFC 9110 §5.6.2 token. */
    static boolean isToken(CharSequence s) {
        if (s.length() == 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAuthority(String s) {
        if (!isVisibleAscii(s)) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if ("/?#@\\".indexOf(s.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** No CR, LF, NUL or other controls except HTAB (RFC 9110 §5.5). */
    static boolean isFieldValue(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    static AsciiString lower(CharSequence name) {
        return AsciiString.of(name).toLowerCase();
    }
}
