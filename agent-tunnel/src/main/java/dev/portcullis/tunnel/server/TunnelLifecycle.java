package dev.portcullis.tunnel.server;

/** Told when a proxy-side tunnel comes up (authenticated, HTTP/2 installed) and when it goes down. Event loop. */
public interface TunnelLifecycle {
    void up(ProxyTunnel tunnel);

    void down(ProxyTunnel tunnel);
}
