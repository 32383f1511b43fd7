package dev.trainer4j.tf.pretrained;

import java.util.List;
import java.util.Map;

/**
 * A {@link dev.trainer4j.tf.TfModel} whose variables have Hugging Face (PyTorch) parameter names, so that HF
 * checkpoints (safetensors, ONNX exports of HF models) map onto it without hand-written rename lists, and so that
 * a trained model can be written back as {@code model.safetensors} + {@code config.json}.
 */
public interface HuggingFaceNamed {

    /** Every model variable with its HF parameter name and layout, in a stable order. */
    List<HuggingFaceName> huggingFaceNames();

    /** HF's {@code config.json} for this model (for a BERT: {@code BertConfig}'s keys and values). */
    Map<String, Object> huggingFaceConfig();
}
