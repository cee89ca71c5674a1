/**
 * A small WebSocket load tool for the side-by-side benchmark (loadtests/bench/side-by-side.sh): echo throughput and
 * latency over many sockets, and opening (then holding) many sockets while sampling the servers' resident memory.
 * Netty client; latencies in HdrHistogram.
 */
package dev.portcullis.loadtests.ws;
