// Composition: the container's service identifiers, one per port or shared service.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ServiceIdentifier } from 'inversify';
import type { ManagementClientPool } from '../adapters/apigateway/index.js';
import type {
  Chat,
  ClockPort,
  ConnectionRegistryPort,
  FanOutQueuePort,
  IdGeneratorPort,
  LoggerPort,
  MessageLogPort,
  NotifierPort,
  RateLimiterPort,
  RoomMembershipPort,
  OccupancyPort,
  MessageReactionsPort,
  ReadMarkersPort,
  UserStatusPort,
  BanPort,
} from '../domain/index.js';
import type { ChatConfig } from './config.js';

export const TOKENS = {
  config: Symbol('ChatConfig') as ServiceIdentifier<ChatConfig>,
  documentClient: Symbol('DynamoDBDocumentClient') as ServiceIdentifier<DynamoDBDocumentClient>,
  clientPool: Symbol('ManagementClientPool') as ServiceIdentifier<ManagementClientPool>,
  clock: Symbol('ClockPort') as ServiceIdentifier<ClockPort>,
  ids: Symbol('IdGeneratorPort') as ServiceIdentifier<IdGeneratorPort>,
  logger: Symbol('LoggerPort') as ServiceIdentifier<LoggerPort>,
  connections: Symbol('ConnectionRegistryPort') as ServiceIdentifier<ConnectionRegistryPort>,
  memberships: Symbol('RoomMembershipPort') as ServiceIdentifier<RoomMembershipPort>,
  messages: Symbol('MessageLogPort') as ServiceIdentifier<MessageLogPort>,
  rateLimiter: Symbol('RateLimiterPort') as ServiceIdentifier<RateLimiterPort>,
  userStatus: Symbol('UserStatusPort') as ServiceIdentifier<UserStatusPort>,
  readMarkers: Symbol('ReadMarkersPort') as ServiceIdentifier<ReadMarkersPort>,
  occupancy: Symbol('OccupancyPort') as ServiceIdentifier<OccupancyPort>,
  reactions: Symbol('MessageReactionsPort') as ServiceIdentifier<MessageReactionsPort>,
  bans: Symbol('BanPort') as ServiceIdentifier<BanPort>,
  /** Present when FAN_OUT_QUEUE_URL is set. */
  fanOutQueue: Symbol('FanOutQueuePort') as ServiceIdentifier<FanOutQueuePort | undefined>,
  /** endpoint -> notifier for that stage's @connections API */
  notifierFor: Symbol('NotifierFactory') as ServiceIdentifier<(endpoint: string) => NotifierPort>,
  /** endpoint -> the use cases, replying through that endpoint */
  chatFor: Symbol('ChatFactory') as ServiceIdentifier<(endpoint: string) => Chat>,
} as const;
