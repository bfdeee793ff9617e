import { UnrecoverableError } from "@assets/core";

/** Why an image was refused; stable codes for logs, tests and the upload's `state_detail`. */
export type ImageRejectionCode =
  /** The header declares more pixels than the configured budget (a decompression bomb or simply too big). */
  | "IMAGE_TOO_LARGE"
  /** The decoder failed: truncated data, bad checksums, a broken header. */
  | "IMAGE_CORRUPT";

/**
 * An image that processing can never accept. It is an {@link UnrecoverableError}, so the
 * pipeline rejects the upload with the message instead of retrying it.
 */
export class ImageRejectedError extends UnrecoverableError {
  readonly code: ImageRejectionCode;

  constructor(code: ImageRejectionCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImageRejectedError";
    this.code = code;
  }
}
