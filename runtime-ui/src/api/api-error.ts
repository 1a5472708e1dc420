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
  ) {
    super(detail || title);
  }

  static async from(res: Response): Promise<ApiError> {
    let body: { title?: string; detail?: string; errors?: FieldProblem[] } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      /* not JSON: status text only */
    }
    return new ApiError(
      res.status,
      body.title ?? res.statusText,
      body.detail ?? '',
      Array.isArray(body.errors) ? body.errors : [],
    );
  }

  /** The text to show a person: the first field message when it says more than the summary. */
  get display(): string {
    const first = this.errors[0];
    return first && first.message ? `${this.detail || this.title}: ${first.message}` : this.detail || this.title;
  }
}
