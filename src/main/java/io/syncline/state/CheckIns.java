package io.syncline.state;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What an instance writes to the shared state store on a timer (its counters, its recent outcomes, the renewal of its
 * file claims): one daemon thread for all of them, stopped with the application.
 */
@ApplicationScoped
public class CheckIns {

    private ScheduledExecutorService timer;

    /** Runs {@code task} every {@code interval}, the first time one interval from now. */
    public synchronized void every(Duration interval, Runnable task) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "syncline-check-ins");
                thread.setDaemon(true);
                return thread;
            });
        }
        long every = interval.toMillis();
        timer.scheduleWithFixedDelay(task, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
