/** Who a write is made for: the signed-in user, and the language their messages come back in. */
export interface Caller {
  userId: string;
  locale: string;
}
