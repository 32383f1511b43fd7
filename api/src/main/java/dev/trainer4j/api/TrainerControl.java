package dev.trainer4j.api;

/**
 * Flags callbacks set to steer the loop (HF's {@code TrainerControl}). The loop resets them as HF's
 * {@code CallbackHandler} does: {@code shouldTrainingStop} at train begin, {@code shouldEpochStop} at epoch begin,
 * log/evaluate/save at step begin, and each one after the action it asked for.
 */
public final class TrainerControl {
    private boolean shouldTrainingStop;
    private boolean shouldEpochStop;
    private boolean shouldSave;
    private boolean shouldEvaluate;
    private boolean shouldLog;

    public boolean shouldTrainingStop() { return shouldTrainingStop; }
    public boolean shouldEpochStop() { return shouldEpochStop; }
    public boolean shouldSave() { return shouldSave; }
    public boolean shouldEvaluate() { return shouldEvaluate; }
    public boolean shouldLog() { return shouldLog; }

    public void setShouldTrainingStop(boolean value) { this.shouldTrainingStop = value; }
    public void setShouldEpochStop(boolean value) { this.shouldEpochStop = value; }
    public void setShouldSave(boolean value) { this.shouldSave = value; }
    public void setShouldEvaluate(boolean value) { this.shouldEvaluate = value; }
    public void setShouldLog(boolean value) { this.shouldLog = value; }

    @Override
    public String toString() {
        return "TrainerControl[stop=" + shouldTrainingStop + ", epochStop=" + shouldEpochStop + ", save=" + shouldSave
                + ", evaluate=" + shouldEvaluate + ", log=" + shouldLog + "]";
    }
}
