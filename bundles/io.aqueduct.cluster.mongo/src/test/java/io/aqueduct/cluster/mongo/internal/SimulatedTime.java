package io.aqueduct.cluster.mongo.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time that passes only when a test says so, for every node of a test cluster and its registry server: a
 * {@link Ticker} for the nodes, a {@link Clock} for mongo-java-server (whose {@code $currentDate} is then simulated
 * too), and one {@link Scheduler} per node whose tasks run on the test's thread, in order of due time across all of
 * them, when the test calls {@link #advance}. Nothing waits in real time.
 */
final class SimulatedTime implements Ticker {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** Simulated nanoseconds since START; read by the registry server's threads too. */
    private volatile long nanos;
    private long sequence;
    private final List<Scheduler> schedulers = new ArrayList<>();

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return START.plusNanos(nanos);
    }

    /** This time as a clock, for the registry server. */
    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("the simulated clock is in UTC");
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    /** A new single-threaded scheduler (one node's registry thread) on this time. */
    synchronized Scheduler newScheduler() {
        Scheduler s = new Scheduler();
        schedulers.add(s);
        return s;
    }

    /** Runs every task due now, including those they schedule for now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves time forward by {@code step}, running each task when its time comes, in order. */
    void advance(Duration step) {
        long target = nanos + step.toNanos();
        while (true) {
            Task<?> next = takeNextDueBy(target);
            if (next == null) {
                break;
            }
            nanos = Math.max(nanos, next.due);
            next.run();
        }
        nanos = target;
    }

    private synchronized Task<?> takeNextDueBy(long target) {
        Scheduler first = null;
        for (Scheduler s : schedulers) {
            Task<?> head = s.queue.peek();
            if (head != null && head.due <= target && (first == null || head.compareTo(first.queue.peek()) < 0)) {
                first = s;
            }
        }
        return first == null ? null : first.queue.poll();
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private final Scheduler owner;
        private final long due;
        private final long order;

        Task(Scheduler owner, Callable<V> work, long due, long order) {
            super(work);
            this.owner = owner;
            this.due = due;
            this.order = order;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> o = (Task<?>) other;
            return due != o.due ? Long.compare(due, o.due) : Long.compare(order, o.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (SimulatedTime.this) {
                owner.queue.remove(this);
            }
            return super.cancel(mayInterruptIfRunning);
        }
    }

    /**
     * One node's registry thread in simulated time. Like the production {@code ScheduledThreadPoolExecutor} it is
     * given, a shutdown drops the tasks that are still delayed and runs those already due; no periodic tasks (the
     * registry client reschedules itself).
     */
    final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
        private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
        private boolean shutdown;

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Objects.requireNonNull(command, "command");
            return schedule(() -> {
                command.run();
                return null;
            }, delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            synchronized (SimulatedTime.this) {
                if (shutdown) {
                    throw new RejectedExecutionException("the simulated registry thread is shut down");
                }
                Task<V> task = new Task<>(this, callable, nanos + Math.max(0, unit.toNanos(delay)), sequence++);
                queue.add(task);
                return task;
            }
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
                TimeUnit unit) {
            throw new UnsupportedOperationException("periodic tasks are not simulated");
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                TimeUnit unit) {
            throw new UnsupportedOperationException("periodic tasks are not simulated");
        }

        @Override
        public void execute(Runnable command) {
            schedule(command, 0, TimeUnit.NANOSECONDS);
        }

        @Override
        public void shutdown() {
            synchronized (SimulatedTime.this) {
                shutdown = true;
                for (Task<?> t : List.copyOf(queue)) {
                    if (t.due > nanos) {
                        t.cancel(false);
                    }
                }
            }
        }

        @Override
        public List<Runnable> shutdownNow() {
            synchronized (SimulatedTime.this) {
                shutdown = true;
                List<Runnable> left = new ArrayList<>(queue);
                queue.clear();
                return left;
            }
        }

        @Override
        public boolean isShutdown() {
            synchronized (SimulatedTime.this) {
                return shutdown;
            }
        }

        @Override
        public boolean isTerminated() {
            synchronized (SimulatedTime.this) {
                return shutdown && queue.isEmpty();
            }
        }

        /** Runs what is due now (the simulated thread's remaining work), without moving time. */
        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            runDue();
            return isTerminated();
        }
    }
}
