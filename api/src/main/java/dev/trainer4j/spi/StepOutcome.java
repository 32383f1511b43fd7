package dev.trainer4j.spi;

/**
 * The cheap result of an optimizer step.
 *
 * @param finite false when the window's loss or a gradient was NaN or infinite; the engine then changed no
 *        weight and no optimizer slot
 */
public record StepOutcome(boolean finite) {
    /** A step that updated the weights. */
    public static final StepOutcome FINITE = new StepOutcome(true);
    /** A step whose loss or gradient was not finite: nothing was written. */
    public static final StepOutcome NON_FINITE = new StepOutcome(false);
}
