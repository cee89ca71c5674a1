package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The store of a small cache: entries live for at most {@code ttl} (or less, if the caller says so) and at most
 * {@code maxEntries} are kept. Past the bound the expired entries are dropped, and if that frees nothing the map
 * starts over: losing entries only costs recomputing them, and no key pattern can grow it. Time is passed in by the
 * caller (from its injected clock).
 *
 * <p>Thread-safe; never blocks (as long as the suppliers passed in do not).
 */
public final class ExpiringEntries<K, V> {
    private record Entry<V>(V value, Instant until) {}

    private final Duration ttl;
    private final int maxEntries;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

    public ExpiringEntries(Duration ttl, int maxEntries) {
        this.ttl = requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: > 0)");
        }
        this.maxEntries = maxEntries;
    }

    /** The value of {@code key} if it still lives at {@code now}; an expired entry is removed. */
    public Optional<V> get(K key, Instant now) {
        Entry<V> hit = entries.get(key);
        if (hit == null) {
            return Optional.empty();
        }
        if (now.isBefore(hit.until())) {
            return Optional.of(hit.value());
        }
        entries.remove(key, hit);
        return Optional.empty();
    }

    /** Keeps {@code value} until {@code now + ttl}, or {@code notAfter} if sooner (not at all if that has passed). */
    public void put(K key, V value, Instant now, Instant notAfter) {
        Instant until = now.plus(ttl);
        if (notAfter.isBefore(until)) {
            until = notAfter;
        }
        if (now.isBefore(until)) {
            makeRoom(now);
            entries.put(key, new Entry<>(value, until));
        }
    }

    /**
     * The value of {@code key} if it still lives at {@code now}, else a new one from {@code fresh}, kept until
     * {@code now + ttl}. Concurrent callers for one key get the same value: {@code fresh} runs at most once at a time
     * per key, under the map's lock for that key, so it must be quick and must not use this map.
     */
    public V getOrCompute(K key, Instant now, Supplier<V> fresh) {
        Optional<V> hit = get(key, now);
        if (hit.isPresent()) {
            return hit.get();
        }
        makeRoom(now);
        return entries.compute(key, (k, old) -> old != null && now.isBefore(old.until())
                ? old
                : new Entry<>(fresh.get(), now.plus(ttl))).value();
    }

    /** Number of entries, expired ones included until they are dropped (for tests and metrics). */
    public int size() {
        return entries.size();
    }

    private void makeRoom(Instant now) {
        if (entries.size() < maxEntries) {
            return;
        }
        entries.values().removeIf(e -> !now.isBefore(e.until()));
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
    }
}
