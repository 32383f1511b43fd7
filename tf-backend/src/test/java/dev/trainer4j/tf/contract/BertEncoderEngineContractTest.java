package dev.trainer4j.tf.contract;

import dev.trainer4j.api.Model;
import dev.trainer4j.tf.models.BertEncoder;
import dev.trainer4j.tf.models.BertEncoderSettings;
import dev.trainer4j.tf.models.BertHead;
import dev.trainer4j.tf.models.Pooling;

/**
 * The engine contract on TensorFlow with a small {@code bert-encoder} (post-LN, mean pooling, no dropout), on the
 * transformer fixture's rows: the same inputs ({@code input_ids}, {@code attention_mask}, {@code labels}), rows of 2
 * to 7 tokens padded to each batch's longest row, so the additive padding mask must make the padding invisible.
 */
class BertEncoderEngineContractTest extends TransformerClassifierEngineContractTest {

    @Override
    protected Model model() {
        return new BertEncoder(BertEncoderSettings.of(24, 8, 1, 2, 16, 7).withDropout(0, 0)
                .withHead(BertHead.SEQUENCE_CLASSIFICATION, Pooling.MEAN, 3));
    }
}
