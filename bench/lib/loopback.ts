// Bench support: URLs the local servers report, pointed at the loopback address itself.

/** `localhost` may try ::1 first on every new socket; the servers listen on 127.0.0.1. */
export const loopback = (url: string): string => url.replace('//localhost:', '//127.0.0.1:');
