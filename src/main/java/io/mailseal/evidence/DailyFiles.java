package io.mailseal.evidence;

import io.mailseal.spool.GroupSync;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: one append-only file per UTC day, {@code journal/YYYY-MM-DD.jsonl}, one
 * record per line. Plain lines rather than an embedded database because a third party must be able
 * to read and hash them with {@code sha256sum} and a text editor, a day file is pruned by deleting
 * it, and appending needs only the write + fsync the spool already trusts (no library to audit).
 * Writers share each fsync of the day's file ({@link GroupSync}); a new day's file is created mode
 * 0600 and its directory entry fsync'd before the first record in it counts as written.
 *
 * <p>A crash can leave the last line without its newline: its writer never heard it was durable
 * (the 250 had not been sent), so the torn line is cut off when the store is opened.
 */
public class DailyFiles implements EvidenceStore {
    private static final Logger log = LoggerFactory.getLogger(DailyFiles.class);
    private static final String SUFFIX = ".jsonl";
    private final Path journal;
    private final GroupSync sync;
    private volatile FileChannel open;
    private LocalDate openDay;

    public DailyFiles(Path directory) throws IOException {
        this.journal = directory.resolve("journal");
        Files.createDirectories(journal);
        this.sync = new GroupSync(this::force, "evidence journal");
        List<LocalDate> days = days();
        if (!days.isEmpty()) {
            cutTornLine(file(days.get(days.size() - 1)));
        }
    }

    private Path file(LocalDate day) {
        return journal.resolve(day + SUFFIX);
    }

    private static void cutTornLine(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        int end = data.length;
        while (end > 0 && data[end - 1] != '\n') {
            end--;
        }
        if (end < data.length) {
            log.warn(
                    "evidence: cutting {} bytes of a record cut short by a crash (never acknowledged)"
                            + " from {}",
                    data.length - end,
                    file.getFileName());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
                ch.force(true);
            }
        }
    }

    private void force() throws IOException {
        FileChannel ch = open;
        if (ch == null) {
            return;
        }
        try {
            ch.force(false);
        } catch (ClosedChannelException e) {
            // closed at a change of day, after a force of everything written to it
        }
    }

    @Override
    public Optional<Entry> last() throws IOException {
        List<LocalDate> days = days();
        for (int i = days.size() - 1; i >= 0; i--) {
            List<Entry> entries = read(days.get(i));
            if (!entries.isEmpty()) {
                return Optional.of(entries.get(entries.size() - 1));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized long append(List<Entry> entries) throws IOException {
        long token = sync.epoch();
        for (Entry e : entries) {
            channel(e.day())
                    .write(ByteBuffer.wrap((e.text() + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
        return token;
    }

    private FileChannel channel(LocalDate day) throws IOException {
        if (day.equals(openDay)) {
            return open;
        }
        FileChannel previous = open;
        if (previous != null) {
            previous.force(false);
            previous.close();
        }
        boolean created = !Files.exists(file(day));
        open =
                FileChannel.open(
                        file(day),
                        Set.of(
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND,
                                StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        openDay = day;
        if (created) {
            try (FileChannel dir = FileChannel.open(journal, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
        return open;
    }

    @Override
    public void awaitDurable(long token) throws IOException {
        sync.awaitDurable(token);
    }

    @Override
    public List<Entry> read(LocalDate day) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(file(day), StandardCharsets.ISO_8859_1)) {
            out.add(new Entry(ChainText.position(line), day, line));
        }
        return out;
    }

    @Override
    public List<LocalDate> days() throws IOException {
        try (Stream<Path> files = Files.list(journal)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{4}-\\d{2}-\\d{2}\\" + SUFFIX))
                    .map(n -> LocalDate.parse(n.substring(0, 10)))
                    .sorted()
                    .toList();
        }
    }

    @Override
    public synchronized void drop(LocalDate day) throws IOException {
        if (day.equals(openDay)) {
            throw new IOException("the journal of " + day + " is still being written");
        }
        Files.deleteIfExists(file(day));
    }

    @Override
    public synchronized void close() throws IOException {
        if (open != null) {
            open.force(false);
            open.close();
        }
    }
}
