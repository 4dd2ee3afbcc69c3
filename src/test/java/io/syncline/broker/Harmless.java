package io.syncline.broker;

import java.io.Serializable;

/**
 * A serializable object that is safe to create: its serialized form, with the class name changed to
 * {@link Tripwire} (same length), is what a hostile source would send.
 */
public class Harmless implements Serializable {

    private static final long serialVersionUID = 1L;

    public String note = "harmless";
}
