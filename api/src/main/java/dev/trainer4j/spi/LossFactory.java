package dev.trainer4j.spi;

/**
 * Makes a loss function that replaces the model's own (HF's {@code compute_loss_func}; config kind {@code losses}).
 * The product's type is backend-specific (the TensorFlow backend expects a {@code TfLoss}).
 */
public interface LossFactory extends NamedFactory<Object> {
}
