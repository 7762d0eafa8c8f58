import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * MQTT credentials of the bridges that carry third-party devices (Zigbee2MQTT, a Shelly or Tasmota fleet):
 * only they may publish under their topic prefix.
 */
export const mqttBridges = pgTable('mqtt_bridges', {
  username: text('username').primaryKey(),
  /** Hash of the bridge's MQTT password (gateway/broker/bell-secret.ts). */
  passwordHash: text('password_hash').notNull(),
  adapter: text('adapter').notNull(),
  topicPrefix: text('topic_prefix').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
});
