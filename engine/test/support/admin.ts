/** The administrator every test engine starts with. */
export const ADMIN = { email: 'admin@example.test', password: 'correct horse battery staple' };
