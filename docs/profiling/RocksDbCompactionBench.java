import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.rocksdb.*;

/**
 * RocksDbCompactionBench MODE [random]: what a file checkpoint rewritten after every chunk costs RocksDB's compactions
 * (docs/benchmarks.md, session 16). Two files of 1M keys in chunks of 200, each chunk read (multiGet) and written
 * (WriteBatch) as Syncline does, with Syncline's options (8 MB memtables, LZ4, Bloom filter); after each chunk a
 * checkpoint is put: MODE same (in the versions' key space, before session 16), cf (a column family of its own, now),
 * none (no checkpoint), universal (same, with universal compaction). Prints µs per row of the writing thread, the CPU of
 * RocksDB's own threads, and the compaction summary (W-Amp, Moved).
 */
public class RocksDbCompactionBench {
    static double threadCpu(String name) throws Exception {
        double s = 0;
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                if (!Files.readString(t.resolve("comm")).trim().startsWith(name)) continue;
                String[] f = Files.readString(t.resolve("stat")).split("\\) ")[1].split(" ");
                s += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            }
        }
        return s;
    }
    public static void main(String[] a) throws Exception {
        RocksDB.loadLibrary();
        String mode = a[0]; boolean random = a.length > 1 && a[1].equals("random");
        int n = 1_000_000, chunk = 200;
        String dir = "/tmp/store-bench/compaction-" + System.nanoTime();
        LRUCache cache = new LRUCache(16L << 20); BloomFilter filter = new BloomFilter(10);
        ColumnFamilyOptions cfo = new ColumnFamilyOptions().setWriteBufferSize(8L << 20).setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter));
        if (mode.equals("universal")) cfo.setCompactionStyle(CompactionStyle.UNIVERSAL);
        DBOptions o = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true).setMaxBackgroundJobs(2);
        List<ColumnFamilyDescriptor> cfs = new ArrayList<>(List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo)));
        if (mode.equals("cf")) cfs.add(new ColumnFamilyDescriptor("checkpoints".getBytes(), new ColumnFamilyOptions()));
        List<ColumnFamilyHandle> hs = new ArrayList<>();
        String flow = "insurance-actuarial-risk";
        try (RocksDB db = RocksDB.open(o, dir, cfs, hs); WriteOptions w = new WriteOptions()) {
            ColumnFamilyHandle cph = mode.equals("cf") ? hs.get(1) : hs.get(0);
            for (String prefix : List.of("RSK-BENCH-", "RSK-WARMS-")) {
                List<Integer> ids = new ArrayList<>();
                for (int i = 1; i <= n; i++) ids.add(i);
                if (random) Collections.shuffle(ids, new Random(prefix.hashCode()));
                long t0 = System.nanoTime(); double c0 = threadCpu("rocksdb");
                for (int c = 0; c < n; c += chunk) {
                    List<byte[]> keys = new ArrayList<>(chunk);
                    for (int i = c; i < c + chunk; i++)
                        keys.add(("v" + flow + "\u0000" + prefix + String.format("%08d", ids.get(i))).getBytes(StandardCharsets.UTF_8));
                    db.multiGetAsList(keys);
                    try (WriteBatch b = new WriteBatch()) {
                        for (byte[] k : keys) b.put(k, ByteBuffer.allocate(8 + 36).putLong(System.currentTimeMillis()).put(UUID.randomUUID().toString().getBytes()).array());
                        db.write(w, b);
                    }
                    if (!mode.equals("none")) db.put(cph, w, ("c" + flow + "\u0000" + prefix + ".csv").getBytes(), ByteBuffer.allocate(8 + 40).putLong(c).array());
                }
                if (!mode.equals("none")) db.delete(cph, w, ("c" + flow + "\u0000" + prefix + ".csv").getBytes());
                long t = System.nanoTime() - t0;
                System.out.printf("%s %s %s: %.2f us/row foreground, rocksdb threads %.2f s%n", mode, random ? "random" : "inorder", prefix, t / 1e3 / n, threadCpu("rocksdb") - c0);
            }
            String st = db.getProperty(hs.get(0), "rocksdb.stats");
            for (String l : st.split("\n")) if (l.startsWith("Cumulative compaction") || l.startsWith(" Sum") || l.contains("Moved")) System.out.println("  " + l);
        }
    }
}
