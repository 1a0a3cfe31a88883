import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Opt } from '@mikro-orm/core';

/** A league or tournament, e.g. code "england/premier-league"; seasons live on its matches. */
@Entity({ tableName: 'competitions' })
export class Competition {
  @PrimaryKey()
  id!: number;

  /** Stable key shared by every source, e.g. "england/premier-league", "international/fifa-world-cup". */
  @Property({ unique: true })
  code!: string;

  @Property()
  name!: string;

  @Property({ type: 'text', nullable: true })
  country: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
