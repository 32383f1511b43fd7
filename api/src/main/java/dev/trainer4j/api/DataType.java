package dev.trainer4j.api;

/** Element type of a {@link HostTensor}. */
public enum DataType {
    FLOAT32(4),
    FLOAT64(8),
    INT32(4),
    INT64(8);

    private final int byteSize;

    DataType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the floating-point types. */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }
}
