package io.syncline.pipeline;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Header hygiene before a producer: nothing that came in with a record may steer where it goes. */
public final class Headers {

    private Headers() {
    }

    /**
     * Drops every header except Camel's redelivery bookkeeping, which the error handler keeps in headers: dropping
     * it would make every retry look like the first, and retries would never end.
     */
    public static void clearInbound(Message message) {
        message.removeHeaders("*", Exchange.REDELIVERED, Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERY_MAX_COUNTER);
    }
}
