package io.syncline.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;
import io.syncline.freshness.FlowActivity;
import io.syncline.record.BatchRun;
import io.syncline.record.IntakeKind;

/**
 * Before each poll of an inbox: whatever the file consumer would skip without a word, or follow where it must not, is
 * refused with a report. A symbolic link (it may point anywhere, {@code /etc/passwd} included), a directory, a device,
 * pipe or socket, and a data file whose name cannot be archived (a control character, or longer than
 * {@link #MAX_NAME_BYTES}) go to {@code failed/<flow>/} unread, each with a report saying why. One that cannot be
 * moved stays, reported once, and the flow shows failing until a file completes. Hidden entries are left alone.
 * The file consumer's {@code pollStrategy}: see the file-intake template.
 */
@ApplicationScoped
@Named("inboxGuard")
public class InboxGuard implements PollingConsumerPollStrategy {

    /** Longest name (UTF-8 bytes) that still fits a file system's 255 with the time stamp and the report suffix. */
    static final int MAX_NAME_BYTES = 200;

    private static final Logger LOG = Logger.getLogger(InboxGuard.class);

    private final SyncConfig config;
    private final FileIntake fileIntake;
    private final FlowActivity activity;
    /** Entries that could not be moved and were reported: reported once, not on every poll. */
    private final Set<String> reportedInPlace = ConcurrentHashMap.newKeySet();

    InboxGuard(SyncConfig config, FileIntake fileIntake, FlowActivity activity) {
        this.config = config;
        this.fileIntake = fileIntake;
        this.activity = activity;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        if (endpoint instanceof GenericFileEndpoint<?> files) {
            Path inbox = Path.of(files.getConfiguration().getDirectory());
            sweep(inbox.getFileName().toString(), inbox);
        }
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // nothing to do after a poll
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        LOG.warnf("Polling %s failed: %s", endpoint.getEndpointBaseUri(), cause.getMessage());
        return false;
    }

    /** Refuses every entry of the inbox that is not a regular data file with an archivable name. */
    void sweep(String flow, Path inbox) {
        if (!Files.isDirectory(inbox)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                String why = notARegularFile(entry);
                if (why == null && isDataFile(name)) {
                    why = unarchivableName(name);
                }
                if (why != null) {
                    refuse(flow, entry, name, why);
                }
            }
        } catch (IOException e) {
            LOG.warnf("Flow %s: the inbox could not be listed: %s", flow, e.getMessage());
        }
    }

    /** Why this is not a regular file of its own (never following a link), or null when it is one. */
    static String notARegularFile(Path entry) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null; // gone meanwhile: nothing to refuse
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link: only regular files in the inbox are read; it was not followed";
        }
        if (attributes.isDirectory()) {
            return "a directory: only regular files in the inbox are read";
        }
        if (!attributes.isRegularFile()) {
            return "not a regular file (a device, pipe or socket): only regular files in the inbox are read";
        }
        return null;
    }

    private static boolean isDataFile(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") || lower.endsWith(".jsonl");
    }

    private static String unarchivableName(String name) {
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "a file name with a control character (a line break, a tab, ...) cannot be archived; rename it";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "a file name over " + MAX_NAME_BYTES + " bytes cannot be archived; rename it";
        }
        return null;
    }

    private void refuse(String flow, Path entry, String name, String why) {
        BatchRun run = new BatchRun(flow, IntakeKind.FILE, name);
        String storedName = FileIntake.storedName(run.startedAt(), printable(name));
        Path failed = Path.of(config.dataDir(), "failed", flow);
        try {
            Files.createDirectories(failed);
            Files.move(entry, failed.resolve(storedName), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            if (reportedInPlace.add(entry.toString())) {
                LOG.errorf("Flow %s: %s is %s, and could not be moved to failed/: %s", flow, printable(name), why,
                        e.getClass().getSimpleName());
                activity.runStarted(run);
                fileIntake.writeReport(run, storedName, FileReport.FAILED, why + "; it could not be moved and stays in the inbox",
                        null);
            }
            return;
        }
        reportedInPlace.remove(entry.toString());
        LOG.warnf("Flow %s: %s refused: %s", flow, printable(name), why);
        activity.runStarted(run);
        fileIntake.writeReport(run, storedName, FileReport.FAILED, why, "failed/" + flow + "/" + storedName);
    }

    /**
     * The name as it can be stored and logged: control characters as {@code _}, and shortened (with a tag that keeps
     * two long names apart) when too long, keeping its extension.
     */
    static String printable(String name) {
        StringBuilder safe = new StringBuilder(name.length());
        name.codePoints().forEach(c -> safe.appendCodePoint(c < 0x20 || c == 0x7f ? '_' : c));
        String result = safe.toString();
        if (result.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return result;
        }
        int dot = result.lastIndexOf('.');
        String extension = dot > 0 && result.length() - dot <= 10 ? result.substring(dot) : "";
        String tag = "~" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().substring(0, 8);
        StringBuilder head = new StringBuilder();
        int budget = MAX_NAME_BYTES - tag.length() - extension.length();
        for (int i = 0; i < result.length(); ) {
            int c = result.codePointAt(i);
            String next = new String(Character.toChars(c));
            if (head.toString().getBytes(StandardCharsets.UTF_8).length + next.getBytes(StandardCharsets.UTF_8).length > budget) {
                break;
            }
            head.append(next);
            i += Character.charCount(c);
        }
        return head + tag + extension;
    }
}
