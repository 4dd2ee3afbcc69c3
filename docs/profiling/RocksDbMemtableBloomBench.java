import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.rocksdb.*;

/** RocksDbMemtableBloomBench none|mbloom: Syncline's column family options, with or without a bloom filter over the memtable; 1M keys in chunks of 200, read (multiGet) and written, new keys in rounds 0 and 2, the same keys again in 1 and 3. */
public class RocksDbMemtableBloomBench {
  public static void main(String[] a) throws Exception {
    RocksDB.loadLibrary();
    boolean mbloom = a[0].equals("mbloom");
    int n = 1_000_000, chunk = 200;
    String dir = "/tmp/store-bench/memtable-bloom-" + System.nanoTime();
    LRUCache cache = new LRUCache(16L << 20); BloomFilter filter = new BloomFilter(10);
    ColumnFamilyOptions cf = new ColumnFamilyOptions().setWriteBufferSize(8L << 20).setMaxWriteBufferNumber(2)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter));
    if (mbloom) cf.setMemtablePrefixBloomSizeRatio(0.1).setMemtableWholeKeyFiltering(true);
    DBOptions o = new DBOptions().setCreateIfMissing(true).setMaxBackgroundJobs(2);
    List<ColumnFamilyHandle> h = new ArrayList<>();
    try (RocksDB db = RocksDB.open(o, dir, List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf)), h);
         WriteOptions w = new WriteOptions()) {
      for (int round = 0; round < 4; round++) {
        String prefix = round < 2 ? "BENCH" : "WARMS"; // rounds 0,2: new keys; 1,3: same keys again
        long t0 = System.nanoTime(); long found = 0; long tg = 0;
        for (int c = 0; c < n; c += chunk) {
          List<byte[]> keys = new ArrayList<>(chunk);
          for (int i = c; i < c + chunk; i++)
            keys.add(("vinsurance-actuarial-risk\u0000RSK-" + prefix + "-" + String.format("%08d", i)).getBytes(StandardCharsets.UTF_8));
          long g0 = System.nanoTime();
          List<byte[]> got = db.multiGetAsList(keys);
          tg += System.nanoTime() - g0;
          for (byte[] g : got) if (g != null) found++;
          try (WriteBatch b = new WriteBatch()) {
            for (byte[] k : keys) b.put(k, ByteBuffer.allocate(8 + 36).putLong(System.currentTimeMillis() + round).put("0123456789abcdef0123456789abcdef0123".getBytes()).array());
            db.write(w, b);
          }
        }
        long t = System.nanoTime() - t0;
        System.out.printf("%s round %d (%s): %.2f us/row, get %.2f us/row, found %d%n", a[0], round, prefix, t / 1e3 / n, tg / 1e3 / n, found);
      }
    }
  }
}
