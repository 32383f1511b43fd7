package dev.trainer4j.plugins.tensorboard;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Value;
import org.tensorflow.proto.SummaryMetadata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * TensorBoard's HParams plugin data ({@code tensorboard/plugins/hparams/plugin_data.proto} and {@code api.proto}),
 * encoded by hand from the published field numbers: {@code HParamsPluginData} {version = 1, experiment = 2,
 * session_start_info = 3, session_end_info = 4}; {@code Experiment} {hparam_infos = 4, metric_infos = 5};
 * {@code HParamInfo} {name = 1, type = 4}; {@code MetricInfo} {name = 1}; {@code MetricName} {group = 1, tag = 2};
 * {@code SessionStartInfo} {hparams = 1 (map of google.protobuf.Value), group_name = 4, start_time_secs = 5};
 * {@code SessionEndInfo} {status = 1, end_time_secs = 2}. The summaries carry it as the metadata of the tags
 * {@code _hparams_/experiment}, {@code _hparams_/session_start_info} and {@code _hparams_/session_end_info}.
 */
final class HParamsPluginData {
    static final String PLUGIN_NAME = "hparams";
    static final String EXPERIMENT_TAG = "_hparams_/experiment";
    static final String SESSION_START_TAG = "_hparams_/session_start_info";
    static final String SESSION_END_TAG = "_hparams_/session_end_info";
    /** {@code DataType}: DATA_TYPE_STRING = 1, DATA_TYPE_BOOL = 2, DATA_TYPE_FLOAT64 = 3. */
    static final int STRING = 1;
    static final int BOOL = 2;
    static final int FLOAT64 = 3;
    /** {@code Status.STATUS_SUCCESS}. */
    static final int STATUS_SUCCESS = 1;

    private HParamsPluginData() {
    }

    /** A hyperparameter value as TensorBoard takes it: a number, a string or a boolean (anything else as its text). */
    static Value value(Object value) {
        if (value instanceof Boolean flag) {
            return Value.newBuilder().setBoolValue(flag).build();
        }
        if (value instanceof Number number) {
            return Value.newBuilder().setNumberValue(number.doubleValue()).build();
        }
        return Value.newBuilder().setStringValue(String.valueOf(value)).build();
    }

    /** The {@code DataType} of a value made by {@link #value}. */
    static int type(Value value) {
        return switch (value.getKindCase()) {
            case BOOL_VALUE -> BOOL;
            case NUMBER_VALUE -> FLOAT64;
            default -> STRING;
        };
    }

    static SummaryMetadata sessionStart(Map<String, Value> hparams, double startTimeSeconds) {
        return metadata(3, message(out -> {
            for (Map.Entry<String, Value> entry : hparams.entrySet()) {
                out.writeBytes(1, message(pair -> {
                    pair.writeString(1, entry.getKey());
                    pair.writeMessage(2, entry.getValue());
                }));
            }
            out.writeDouble(5, startTimeSeconds);
        }));
    }

    static SummaryMetadata experiment(Map<String, Value> hparams, List<String> metricTags) {
        return metadata(2, message(out -> {
            for (Map.Entry<String, Value> entry : hparams.entrySet()) {
                out.writeBytes(4, message(info -> {
                    info.writeString(1, entry.getKey());
                    info.writeEnum(4, type(entry.getValue()));
                }));
            }
            for (String tag : metricTags) {
                out.writeBytes(5, message(info -> info.writeBytes(1, message(name -> name.writeString(2, tag)))));
            }
        }));
    }

    static SummaryMetadata sessionEnd(int status, double endTimeSeconds) {
        return metadata(4, message(out -> {
            out.writeEnum(1, status);
            out.writeDouble(2, endTimeSeconds);
        }));
    }

    private static SummaryMetadata metadata(int field, ByteString content) {
        // version 0, proto3's default, is not written
        ByteString data = message(out -> out.writeBytes(field, content));
        return SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName(PLUGIN_NAME).setContent(data))
                .build();
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static ByteString message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return ByteString.copyFrom(bytes.toByteArray());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
