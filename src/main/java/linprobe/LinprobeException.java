package linprobe;

/**
 * Invalid input or usage: the message is one line that names the problem and the fix. The CLI
 * prints it without a stack trace and exits with code 2.
 */
public class LinprobeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LinprobeException(String message) {
    super(message);
  }

  public LinprobeException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The LinprobeException in e's chain of causes, or null: a check that fails inside a Spark
   * task reaches the driver wrapped in Spark's job failure, and is still the user's error.
   */
  public static LinprobeException causeOf(Throwable e) {
    return inChain(e, LinprobeException.class);
  }

  /** The first throwable of the given type in e's chain of causes (e included), or null. */
  public static <T extends Throwable> T inChain(Throwable e, Class<T> type) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) return type.cast(c);
    }
    return null;
  }
}
