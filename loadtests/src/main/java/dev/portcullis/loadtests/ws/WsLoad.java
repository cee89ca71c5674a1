package dev.portcullis.loadtests.ws;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's WebSocket load tool. One line of {@code key=value} results per measurement on stdout; exit code 0
 * when nothing failed, 1 when some socket or message failed, 2 on bad arguments.
 *
 * <pre>
 * java -cp ... dev.portcullis.loadtests.ws.WsLoad echo --url ws://127.0.0.1:8080/s/demo/web/ws [--token T | --token-file F]
 *      [--sockets 100] [--size 64] [--warmup-seconds 3] [--seconds 10] [--threads 1]
 * java -cp ... dev.portcullis.loadtests.ws.WsLoad open --url ... [--checkpoints 1000,10000] [--concurrency 100]
 *      [--rss-pids 123,456] [--settle-ms 2000] [--hold-seconds 0] [--threads 1]
 * </pre>
 */
public final class WsLoad {
    private WsLoad() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        int code;
        try {
            code = run(args, out);
        } catch (IllegalArgumentException e) {
            System.err.println("wsload: " + e.getMessage());
            code = 2;
        }
        out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out) throws Exception {
        if (args.length == 0 || !(args[0].equals("echo") || args[0].equals("open"))) {
            throw new IllegalArgumentException("first argument: " + (args.length == 0 ? "none" : args[0])
                    + " (expected: echo or open)");
        }
        Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
        WsTarget target = new WsTarget(URI.create(require(opts, "url")), token(opts));
        int threads = intOpt(opts, "threads", 1);
        try (WsClient client = new WsClient(target, threads)) {
            return args[0].equals("echo") ? echo(client, opts, out) : open(client, opts, out);
        }
    }

    private static int echo(WsClient client, Map<String, String> opts, PrintStream out) throws Exception {
        int sockets = intOpt(opts, "sockets", 100);
        int warmup = intOpt(opts, "warmup-seconds", 3);
        int seconds = intOpt(opts, "seconds", 10);
        EchoRun run = new EchoRun(intOpt(opts, "size", 64));
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            Future<Channel> f = client.open(() -> new EchoLoop(run)).await();
            if (!f.isSuccess()) {
                out.println("echo error: socket " + i + " did not open: " + f.cause());
                return 1;
            }
            channels.add(f.getNow());
        }
        for (Channel ch : channels) {
            EchoLoop loop = ch.pipeline().get(EchoLoop.class);
            ch.eventLoop().execute(loop::start);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup)); // the run's warm-up phase: a timed interval, not a hand-off
        run.phase(EchoRun.Phase.MEASURE);
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long messages = run.messages();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram h = run.latencies();
        run.phase(EchoRun.Phase.STOP);
        for (Channel ch : channels) {
            ch.close();
        }
        out.printf("echo sockets=%d size=%d seconds=%.1f msgs=%d msgs_per_s=%.0f p50_us=%d p99_us=%d max_us=%d errors=%d%n",
                sockets, run.payloadBytes(), elapsed, messages, messages / elapsed,
                h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(99) / 1000, h.getMaxValue() / 1000,
                run.errors());
        return run.errors() == 0 && messages > 0 ? 0 : 1;
    }

    private static int open(WsClient client, Map<String, String> opts, PrintStream out) throws Exception {
        List<Integer> checkpoints = new ArrayList<>();
        for (String c : opts.getOrDefault("checkpoints", "1000").split(",")) {
            int v = parseInt("checkpoints", c.trim());
            if (!checkpoints.isEmpty() && v <= checkpoints.get(checkpoints.size() - 1)) {
                throw new IllegalArgumentException("--checkpoints: " + opts.get("checkpoints") + " (expected: ascending)");
            }
            checkpoints.add(v);
        }
        List<Long> pids = new ArrayList<>();
        if (opts.containsKey("rss-pids") && !opts.get("rss-pids").isBlank()) {
            for (String p : opts.get("rss-pids").split(",")) {
                pids.add((long) parseInt("rss-pids", p.trim()));
            }
        }
        try (OpenStorm storm = new OpenStorm(client, intOpt(opts, "concurrency", 100), pids,
                intOpt(opts, "settle-ms", 2000), out)) {
            int failed = storm.run(checkpoints, intOpt(opts, "batch-timeout-seconds", 300));
            int hold = intOpt(opts, "hold-seconds", 0);
            if (hold > 0) {
                Thread.sleep(TimeUnit.SECONDS.toMillis(hold)); // keep the sockets open for an outside observer
            }
            return failed == 0 ? 0 : 1;
        }
    }

    private static String token(Map<String, String> opts) throws IOException {
        if (opts.containsKey("token") && opts.containsKey("token-file")) {
            throw new IllegalArgumentException("--token and --token-file: give one");
        }
        if (opts.containsKey("token-file")) {
            String t = Files.readString(Path.of(opts.get("token-file")), StandardCharsets.US_ASCII).trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("--token-file: " + opts.get("token-file") + " is empty");
            }
            return t;
        }
        return opts.get("token");
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("argument " + args[i] + " (expected: --name value pairs)");
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static int intOpt(Map<String, String> opts, String name, int fallback) {
        String v = opts.get(name);
        int n = v == null ? fallback : parseInt(name, v);
        if (n < 0) {
            throw new IllegalArgumentException("--" + name + ": " + n + " (expected: >= 0)");
        }
        return n;
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": " + v + " (expected: an integer)", e);
        }
    }
}
