package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfDevices;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * {@code bf16-full-eval} / {@code fp16-full-eval}, HF's meaning: evaluation and prediction run the whole model in half
 * precision (HF casts the model with {@code model.to(bfloat16)}), not mixed precision; training is unchanged.
 *
 * <p>The pass is built as usual under a template name ({@code <pass>_float32}, never run) and then copied op by op
 * under the pass's own name with every float32 type attribute of the model's computation turned into the half type:
 * an op is converted when one of its inputs is half, and the model variables are read as half (one {@code Cast} per
 * variable and device), so everything downstream of a weight (matrix products, softmax, the loss) computes in half,
 * while what depends on the inputs only (label masks, item counts) stays exact. A float32 operand that meets a half op
 * (input features, a mask, a constant) is cast to half; the pass's results (loss sum, item count, predictions) are cast
 * back to float32 for the host.
 *
 * <p>Every converted op type must have a kernel of the half type on the run's device kind, else one
 * {@link ConfigurationException} naming the key, the model and the ops, before anything runs.
 */
public final class TfHalfPrecisionEval {
    private final DataType half;
    private final String key;
    private final String deviceKind;

    private TfHalfPrecisionEval(DataType half, String key, String deviceKind) {
        this.half = half;
        this.key = key;
        this.deviceKind = deviceKind;
    }

    /** The full-eval precision {@code args} ask for on GPUs or CPUs, or null for float32 evaluation. */
    public static TfHalfPrecisionEval of(TrainingArguments args, boolean gpus) {
        requireNonNull(args, "args is null");
        String deviceKind = gpus ? "GPU" : "CPU";
        if (args.bf16FullEval()) {
            return new TfHalfPrecisionEval(DataType.DT_BFLOAT16, TrainingArguments.BF16_FULL_EVAL.key(), deviceKind);
        }
        if (args.fp16FullEval()) {
            return new TfHalfPrecisionEval(DataType.DT_HALF, TrainingArguments.FP16_FULL_EVAL.key(), deviceKind);
        }
        return null;
    }

    /** The half type: {@code DT_BFLOAT16} or {@code DT_HALF}. */
    public DataType half() {
        return half;
    }

    /** For the log line: what evaluation runs in and, on CPUs, what was measured here. */
    public String describe() {
        if (half == DataType.DT_BFLOAT16) {
            return key + ": evaluation and prediction run the whole model in bfloat16" + (deviceKind.equals("CPU")
                    ? " (on the CPU measured from 0.5x to 3.9x the float32 speed depending on the model and the load,"
                            + " BENCHMARKS.md)" : "");
        }
        return key + ": evaluation and prediction run the whole model in float16" + (deviceKind.equals("CPU")
                ? " (on a CPU without AVX-512 FP16 TensorFlow uses Eigen's float16 kernels: about 10x slower than"
                        + " float32 on the text transformer here, BENCHMARKS.md; it exists for GPUs)" : "");
    }

    /** The name a pass is built under before it is converted. */
    public static String templateName(String pass) {
        return pass + "_float32";
    }

    /**
     * Copies the ops under each template prefix ({@code replica_r/<pass>_float32/}) to the matching target prefix
     * ({@code replica_r/<pass>/}) in half precision and returns, for each of {@code results} (template operands), its
     * converted operand, cast back to the template's type where the conversion changed it.
     *
     * @param prefixes template prefix to target prefix, each ending with {@code /}
     * @param variableReads the model variables' read operands, which the pass reads as half
     */
    public List<Operand<?>> convert(Graph graph, String modelName, Map<String, String> prefixes,
                                    List<? extends Operand<?>> variableReads, List<? extends Operand<?>> results) {
        requireNonNull(graph, "graph is null");
        requireNonNull(prefixes, "prefixes is null");
        Set<String> variables = new java.util.HashSet<>();
        variableReads.forEach(read -> variables.add(tensorName(read.asOutput())));
        Map<String, Output<?>> converted = new HashMap<>();
        Map<String, GraphOperation> convertedOps = new HashMap<>();
        Map<String, Output<?>> casts = new HashMap<>();
        Map<String, String> convertedTypes = new TreeMap<>();
        Map<String, Set<String>> convertedAttrs = new HashMap<>();
        Map<String, String> noHalfVersion = new TreeMap<>();
        GraphDef def = graph.toGraphDef();
        for (NodeDef node : def.getNodeList()) {
            String template = templatePrefix(prefixes, node.getName());
            if (template == null) {
                continue;
            }
            String name = prefixes.get(template) + node.getName().substring(template.length());
            OpDef opDef = TfReplicaGradients.opDefs().get(node.getOp());
            if (opDef == null) {
                throw new IllegalStateException("no op definition for '" + node.getOp() + "' of op '" + node.getName() + "'");
            }
            // the inputs as they are in the converted pass (variables read as half)
            List<Output<?>> inputs = new ArrayList<>();
            List<GraphOperation> controls = new ArrayList<>();
            boolean halfNode = false;
            for (String input : node.getInputList()) {
                if (input.startsWith("^")) {
                    String op = input.substring(1);
                    GraphOperation control = convertedOps.get(op);
                    controls.add(control != null ? control : (GraphOperation) graph.operation(op));
                    continue;
                }
                String tensor = input.indexOf(':') < 0 ? input + ":0" : input;
                Output<?> resolved = converted.get(tensor);
                if (resolved == null) {
                    resolved = TfReplicaGradients.output(graph, input);
                    if (variables.contains(tensor)) {
                        resolved = cast(graph, casts, resolved, half, node.getDevice(), name);
                    }
                }
                halfNode |= resolved.dataType() == half;
                inputs.add(resolved);
            }
            Map<String, AttrValue> attrs = new LinkedHashMap<>();
            boolean typeChanged = false;
            for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
                if (attr.getKey().equals(TfReplicaGradients.COLOCATION_ATTR)) {
                    continue;
                }
                AttrValue value = attr.getValue();
                boolean floatType = value.getValueCase() == AttrValue.ValueCase.TYPE && value.getType() == DataType.DT_FLOAT
                        || value.hasList() && value.getList().getTypeList().contains(DataType.DT_FLOAT);
                if (halfNode && floatType && !allowsHalf(opDef, attr.getKey())) {
                    // the op has no half version at all (its definition): kept float32 here, refused below
                    noHalfVersion.putIfAbsent(node.getOp(), node.getName());
                }
                else if (halfNode && value.getValueCase() == AttrValue.ValueCase.TYPE && value.getType() == DataType.DT_FLOAT) {
                    value = AttrValue.newBuilder().setType(half).build();
                    typeChanged = true;
                    convertedAttrs.computeIfAbsent(node.getOp(), op -> new java.util.HashSet<>()).add(attr.getKey());
                }
                else if (halfNode && value.hasList() && value.getList().getTypeList().contains(DataType.DT_FLOAT)) {
                    AttrValue.ListValue.Builder list = value.getList().toBuilder().clearType();
                    value.getList().getTypeList().forEach(type -> list.addType(type == DataType.DT_FLOAT ? half : type));
                    value = value.toBuilder().setList(list).build();
                    typeChanged = true;
                    convertedAttrs.computeIfAbsent(node.getOp(), op -> new java.util.HashSet<>()).add(attr.getKey());
                }
                attrs.put(attr.getKey(), value);
            }
            if (typeChanged) {
                convertedTypes.putIfAbsent(node.getOp(), node.getName());
            }
            Scope scope = scope(graph, node.getDevice());
            GraphOperationBuilder builder = graph.opBuilder(node.getOp(), name, scope);
            int next = 0;
            for (OpDef.ArgDef arg : opDef.getInputArgList()) {
                List<DataType> expected = expectedTypes(arg, attrs);
                Output<?>[] outputs = new Output<?>[expected.size()];
                for (int i = 0; i < outputs.length; i++) {
                    Output<?> input = inputs.get(next++);
                    DataType want = expected.get(i);
                    if (input.dataType() != want && TfReplicaGradients.floating(input.dataType()) && TfReplicaGradients.floating(want)) {
                        input = cast(graph, casts, input, want, node.getDevice(), name);
                    }
                    outputs[i] = input;
                }
                boolean list = !arg.getNumberAttr().isEmpty() || !arg.getTypeListAttr().isEmpty();
                if (list) {
                    builder.addInputList(outputs);
                }
                else {
                    builder.addInput(outputs[0]);
                }
            }
            if (next != inputs.size()) {
                throw new IllegalStateException("op '" + node.getName() + "' has " + inputs.size()
                        + " inputs, its op definition " + next);
            }
            controls.forEach(builder::addControlInput);
            attrs.forEach(builder::setAttr);
            GraphOperation op = builder.build();
            convertedOps.put(node.getName(), op);
            for (int i = 0; i < op.numOutputs(); i++) {
                converted.put(node.getName() + ":" + i, op.output(i));
            }
        }
        checkKernels(modelName, convertedTypes, convertedAttrs, noHalfVersion);
        List<Operand<?>> mapped = new ArrayList<>();
        Ops back = Ops.create(graph);
        for (Operand<?> result : results) {
            Output<?> output = converted.get(tensorName(result.asOutput()));
            if (output == null) {
                mapped.add(result); // computed outside the pass
            }
            else if (output.dataType() != result.asOutput().dataType()) {
                mapped.add(back.withDevice(deviceOf(result)).dtypes.cast(output, result.type()));
            }
            else {
                mapped.add(output);
            }
        }
        return mapped;
    }

    private void checkKernels(String modelName, Map<String, String> convertedTypes, Map<String, Set<String>> attrs,
                              Map<String, String> noHalfVersion) {
        Map<String, String> missing = new TreeMap<>(noHalfVersion);
        convertedTypes.forEach((type, example) -> {
            if (!TfMixedPrecision.hasKernel(type, deviceKind, half, attrs.get(type))) {
                missing.put(type, example);
            }
        });
        if (!missing.isEmpty()) {
            String typeName = half == DataType.DT_BFLOAT16 ? "bfloat16" : "float16";
            throw new ConfigurationException(key, key + " = true runs the whole evaluation of model '" + modelName
                    + "' in " + typeName + ", but its ops " + missing.keySet() + " have no " + typeName + " kernel on the "
                    + deviceKind + " here (e.g. op '" + missing.values().iterator().next() + "'); set " + key
                    + " = false" + (half == DataType.DT_HALF ? ", or use bf16-full-eval" : ""));
        }
    }

    /** Whether the op definition lets type attribute {@code attr} be the half type (an attribute of no type: yes). */
    private boolean allowsHalf(OpDef opDef, String attr) {
        for (OpDef.AttrDef def : opDef.getAttrList()) {
            if (def.getName().equals(attr) && def.hasAllowedValues()
                    && def.getAllowedValues().getList().getTypeCount() > 0) {
                return def.getAllowedValues().getList().getTypeList().contains(half);
            }
        }
        return true;
    }

    /** The types an input argument takes under {@code attrs} (one per tensor of a list argument). */
    private static List<DataType> expectedTypes(OpDef.ArgDef arg, Map<String, AttrValue> attrs) {
        List<DataType> types = new ArrayList<>();
        if (!arg.getTypeListAttr().isEmpty()) {
            return new ArrayList<>(attrs.get(arg.getTypeListAttr()).getList().getTypeList());
        }
        DataType type = arg.getType() != DataType.DT_INVALID ? arg.getType() : attrs.get(arg.getTypeAttr()).getType();
        int count = arg.getNumberAttr().isEmpty() ? 1 : Math.toIntExact(attrs.get(arg.getNumberAttr()).getI());
        for (int i = 0; i < count; i++) {
            types.add(type);
        }
        return types;
    }

    /** {@code input} cast to {@code type} on {@code device}, one cast per tensor, type and device. */
    private static Output<?> cast(Graph graph, Map<String, Output<?>> casts, Output<?> input, DataType type,
                                  String device, String consumer) {
        String cacheKey = tensorName(input) + "->" + type + "@" + device;
        Output<?> cast = casts.get(cacheKey);
        if (cast == null) {
            String name = consumer.substring(0, consumer.indexOf('/', consumer.indexOf('/') + 1)) + "/half_casts/Cast_"
                    + casts.size();
            cast = graph.opBuilder("Cast", name, scope(graph, device)).addInput(input)
                    .setAttr("SrcT", input.dataType()).setAttr("DstT", type).build().output(0);
            casts.put(cacheKey, cast);
        }
        return cast;
    }

    private static Scope scope(Graph graph, String device) {
        Ops ops = Ops.create(graph);
        return device.isEmpty() ? ops.scope() : ops.withDevice(TfDevices.of(device).deviceSpec(0)).scope();
    }

    private static org.tensorflow.DeviceSpec deviceOf(Operand<?> operand) {
        String device = ((GraphOperation) operand.op()).device();
        return TfDevices.of(device).deviceSpec(0);
    }

    private static String templatePrefix(Map<String, String> prefixes, String name) {
        for (String template : prefixes.keySet()) {
            if (name.startsWith(template)) {
                return template;
            }
        }
        return null;
    }

    private static String tensorName(Output<?> output) {
        return output.op().name() + ":" + output.index();
    }
}
