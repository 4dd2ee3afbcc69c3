package io.syncline.flows;

/** One flow over JMX: {@code io.syncline:type=Flow,name=<flow-id>}. Times in ISO-8601, lags in milliseconds. */
public interface FlowMXBean {

    String getMode();

    /** running | paused | disabled. */
    String getState();

    /** healthy | stale | failing, with the reasons. */
    String getHealth();

    String getLastSuccess();

    double getLagP50Millis();

    double getLagP95Millis();

    double getLagP99Millis();

    long getReceived();

    long getAccepted();

    long getRejected();

    long getPublished();

    long getDeadLettered();

    long getStaleSkipped();

    long getDeadLetters();

    void pause();

    void resume();

    /** Fires the file window and pull now; the routes fired. */
    String runNow();

    /** Replays every dead letter of the flow; what happened, as the REST answer says it. */
    String replayDeadLetters();
}
