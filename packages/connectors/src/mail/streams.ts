/** The stream every mail connector writes to (apart from the parser, so a manifest can name it cheaply). */
export const MAIL_STREAM = 'messages';
