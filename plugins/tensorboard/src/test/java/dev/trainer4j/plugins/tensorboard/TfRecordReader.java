package dev.trainer4j.plugins.tensorboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a TFRecord file by hand: each record is a little-endian uint64 length, the uint32 masked CRC32C of those 8
 * bytes, the data, and the uint32 masked CRC32C of the data. Every checksum is verified.
 */
final class TfRecordReader {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecordReader() {
    }

    static List<byte[]> read(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> records = new ArrayList<>();
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < 12) {
                throw new IOException(file + ": truncated record header at byte " + buffer.position());
            }
            byte[] lengthBytes = new byte[8];
            buffer.get(lengthBytes);
            int lengthCrc = buffer.getInt();
            if (lengthCrc != maskedCrc(lengthBytes)) {
                throw new IOException(file + ": bad length checksum of record " + records.size());
            }
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (length < 0 || length > buffer.remaining() - 4) {
                throw new IOException(file + ": record " + records.size() + " claims " + length + " bytes");
            }
            byte[] data = new byte[(int) length];
            buffer.get(data);
            int dataCrc = buffer.getInt();
            if (dataCrc != maskedCrc(data)) {
                throw new IOException(file + ": bad data checksum of record " + records.size());
            }
            records.add(data);
        }
        return records;
    }

    /** TFRecord's masked CRC32C: rotate right by 15 bits, then add a constant. */
    static int maskedCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }
}
