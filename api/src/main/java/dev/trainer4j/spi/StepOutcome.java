package dev.trainer4j.spi;

/**
 * The cheap result of an optimizer step.
 *
 * @param finite false when the window's loss or a gradient was NaN or infinite; the engine then changed no
 *        weight and no optimizer slot
 */
public record StepOutcome(boolean finite) {
    public static final StepOutcome FINITE = new StepOutcome(true);
    public static final StepOutcome NON_FINITE = new StepOutcome(false);
}
