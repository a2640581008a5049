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
}
