// Cold-start slice: inversify and reflect-metadata, the composition root's container.

import 'reflect-metadata';
import { Container } from 'inversify';

export const container = new Container({ defaultScope: 'Singleton' });
