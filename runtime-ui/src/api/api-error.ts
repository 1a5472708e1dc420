/** One problem with one field, as the engine names it in problem+json `errors`. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** An answer other than 2xx, carrying the engine's problem+json when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
    /** The problem's other members (a refused publish's `plan`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail || title);
  }

  static async from(res: Response): Promise<ApiError> {
    let body: { title?: string; detail?: string; errors?: FieldProblem[] } & Record<string, unknown> = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      /* not JSON: status text only */
    }
    const { type: _t, title, status: _s, detail, errors, ...extra } = body;
    return new ApiError(res.status, title ?? res.statusText, detail ?? '', Array.isArray(errors) ? errors : [], extra);
  }

  /** The text to show a person: the first field message when it says more than the summary. */
  get display(): string {
    const first = this.errors[0];
    return first && first.message ? `${this.detail || this.title}: ${first.message}` : this.detail || this.title;
  }
}
