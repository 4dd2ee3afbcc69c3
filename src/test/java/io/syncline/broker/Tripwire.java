package io.syncline.broker;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * Leaves a trace in a system property as soon as the class is initialized or an instance is deserialized. Tests never
 * create one: they send {@link Harmless}'s bytes renamed to this class, so a trace means the application
 * deserialized a stranger's object.
 */
public class Tripwire implements Serializable {

    public static final String TRACE = "syncline.test.tripwire";

    private static final long serialVersionUID = 1L;

    static {
        System.setProperty(TRACE, "class initialized");
    }

    public String note;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        System.setProperty(TRACE, "deserialized");
    }
}
