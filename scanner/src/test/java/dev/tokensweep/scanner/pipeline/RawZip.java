package dev.tokensweep.scanner.pipeline;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A zip written byte by byte, so that a test can make its central directory and its local
 * headers disagree: leave a member out of the directory, give it another size or another CRC.
 */
public final class RawZip {
  private record Member(String name, byte[] stored, long crc, long size, int method, boolean listed, long listedSize,
      long listedCrc) {}

  private final List<Member> members = new ArrayList<>();

  /** A deflated member, listed truthfully. */
  public RawZip add(String name, byte[] data) {
    return add(name, data, true, -1, -1);
  }

  /**
   * A deflated member; {@code listed} false leaves it out of the central directory,
   * {@code listedSize >= 0} gives the directory that stored size, {@code listedCrc >= 0} that CRC.
   */
  public RawZip add(String name, byte[] data, boolean listed, long listedSize, long listedCrc) {
    CRC32 crc = new CRC32();
    crc.update(data);
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      bo.write(buf, 0, d.deflate(buf));
    }
    d.end();
    members.add(new Member(name, bo.toByteArray(), crc.getValue(), data.length, 8, listed, listedSize, listedCrc));
    return this;
  }

  /** A stored (uncompressed) member whose directory entry says {@code listedSize} bytes. */
  public RawZip addStored(String name, byte[] data, long listedSize) {
    CRC32 crc = new CRC32();
    crc.update(data);
    members.add(new Member(name, data, crc.getValue(), data.length, 0, true, listedSize, -1));
    return this;
  }

  public byte[] bytes() {
    ByteBuffer b = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
    List<Integer> offsets = new ArrayList<>();
    for (Member m : members) {
      offsets.add(b.position());
      byte[] n = m.name.getBytes(StandardCharsets.UTF_8);
      b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) m.method).putShort((short) 0)
          .putShort((short) 0x21).putInt((int) m.crc).putInt(m.stored.length).putInt((int) m.size)
          .putShort((short) n.length).putShort((short) 0).put(n).put(m.stored);
    }
    int cd = b.position();
    int listed = 0;
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      if (!m.listed) {
        continue;
      }
      listed++;
      byte[] n = m.name.getBytes(StandardCharsets.UTF_8);
      long csize = m.listedSize >= 0 ? m.listedSize : m.stored.length;
      long usize = m.method == 0 ? csize : m.size;
      long crc = m.listedCrc >= 0 ? m.listedCrc : m.crc;
      b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) m.method)
          .putShort((short) 0).putShort((short) 0x21).putInt((int) crc).putInt((int) csize).putInt((int) usize)
          .putShort((short) n.length).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
          .putInt(0).putInt(offsets.get(i)).put(n);
    }
    int cdEnd = b.position();
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) listed).putShort((short) listed)
        .putInt(cdEnd - cd).putInt(cd).putShort((short) 0);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }
}
