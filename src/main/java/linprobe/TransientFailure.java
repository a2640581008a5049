package linprobe;

/**
 * A failure from outside the input that a retry may cure, such as a file system that does not
 * answer: the message is one line, and the CLI prints it without a stack trace and exits with
 * code 1 (a scheduler's retry may help), not 2 (the input is wrong: a retry will not).
 */
public class TransientFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransientFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
