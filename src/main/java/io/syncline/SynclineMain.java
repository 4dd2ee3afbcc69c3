package io.syncline;

import io.quarkus.runtime.Quarkus;
import io.syncline.flows.FlowCheck;

/**
 * The jar's entry point ({@code quarkus.package.main-class}): {@code java -jar quarkus-run.jar} runs Syncline;
 * {@code java -jar quarkus-run.jar check <flows-dir>} checks a folder of flow folders and exits, starting nothing (no
 * broker, no Quarkus). Deliberately not a {@code @QuarkusMain}: with one, Camel Quarkus would leave starting Camel to
 * it, in tests too.
 */
public final class SynclineMain {

    private SynclineMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && "check".equals(args[0])) {
            System.exit(FlowCheck.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        Quarkus.run(args);
    }
}
