/**
 * Tests for twin/event-pattern.ts.
 *
 * Pattern examples come from the Amazon EventBridge User Guide pages:
 * - "Creating Amazon EventBridge event patterns" (formerly "Amazon EventBridge event patterns")
 * - "Comparison operators for use in event patterns in Amazon EventBridge"
 *   (formerly "Content filtering in Amazon EventBridge event patterns")
 * - "Matching null values and empty strings in Amazon EventBridge event patterns"
 * - "Arrays in Amazon EventBridge event patterns"
 * Each example is paired with an event that matches and one that does not.
 */
import { EventPattern, matchesEventPattern, validateEventPattern } from "../twin/event-pattern";

interface MatchCase {
  name: string;
  pattern: EventPattern;
  event: unknown;
  expected: boolean;
}

function runMatchCases(cases: MatchCase[]): void {
  test.each(cases)("$name", ({ pattern, event, expected }) => {
    // Prepare
    validateEventPattern(pattern);

    // Act
    const matched = matchesEventPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });
}

function thrownMessage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the action to throw");
}

const EC2_EVENT = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};

describe("doc examples: Creating Amazon EventBridge event patterns", () => {
  const ec2Termination = {
    source: ["aws.ec2"],
    "detail-type": ["EC2 Instance State-change Notification"],
    detail: { state: ["terminated"] },
  };
  const macie = {
    source: ["aws.macie"],
    "detail-type": ["Macie Alert"],
    detail: { "risk-score": [80], trigger: { risk: [8] } },
  };
  const macieEvent = {
    source: "aws.macie",
    "detail-type": "Macie Alert",
    detail: { "risk-score": 80, trigger: { "alert-type": "basic", risk: 8 } },
  };

  runMatchCases([
    {
      name: "EC2 termination pattern matches the documented terminated-instance event",
      pattern: ec2Termination,
      event: EC2_EVENT,
      expected: true,
    },
    {
      name: "EC2 termination pattern does not match the same event with state running",
      pattern: ec2Termination,
      event: { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, state: "running" } },
      expected: false,
    },
    {
      name: "source list [aws.ec2, aws.fargate] matches source aws.fargate",
      pattern: { source: ["aws.ec2", "aws.fargate"] },
      event: { source: "aws.fargate" },
      expected: true,
    },
    {
      name: "source list [aws.ec2, aws.fargate] does not match source aws.s3",
      pattern: { source: ["aws.ec2", "aws.fargate"] },
      event: { source: "aws.s3" },
      expected: false,
    },
    {
      name: "Macie risk-score 80 and nested trigger.risk 8 matches the documented alert",
      pattern: macie,
      event: macieEvent,
      expected: true,
    },
    {
      name: "Macie nested trigger.risk 8 does not match an alert with trigger.risk 7",
      pattern: macie,
      event: { ...macieEvent, detail: { ...macieEvent.detail, trigger: { risk: 7 } } },
      expected: false,
    },
    {
      name: "a pattern field missing from the event does not match",
      pattern: ec2Termination,
      event: { source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification" },
      expected: false,
    },
  ]);
});

describe("doc examples: Matching null values and empty strings in Amazon EventBridge event patterns", () => {
  const autoscalingEvent = {
    source: "aws.autoscaling",
    "detail-type": "EC2 Instance Launch Successful",
    resources: [],
    detail: { eventVersion: "", responseElements: null },
  };

  runMatchCases([
    {
      name: 'eventVersion [""] matches an empty-string eventVersion',
      pattern: { detail: { eventVersion: [""] } },
      event: autoscalingEvent,
      expected: true,
    },
    {
      name: 'eventVersion [""] does not match a null eventVersion (not interchangeable)',
      pattern: { detail: { eventVersion: [""] } },
      event: { detail: { eventVersion: null } },
      expected: false,
    },
    {
      name: "responseElements [null] matches a null responseElements",
      pattern: { detail: { responseElements: [null] } },
      event: autoscalingEvent,
      expected: true,
    },
    {
      name: "responseElements [null] does not match an empty-string responseElements",
      pattern: { detail: { responseElements: [null] } },
      event: { detail: { responseElements: "" } },
      expected: false,
    },
    {
      name: "responseElements [null] does not match an event without responseElements",
      pattern: { detail: { responseElements: [null] } },
      event: { detail: { eventVersion: "" } },
      expected: false,
    },
  ]);
});

describe("doc examples: Arrays in Amazon EventBridge event patterns", () => {
  const resourcesPattern = {
    resources: [
      "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
      "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
      "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
    ],
  };

  runMatchCases([
    {
      name: "resources pattern matches an event array whose second item is the pattern's first item",
      pattern: resourcesPattern,
      event: {
        resources: [
          "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ],
      },
      expected: true,
    },
    {
      name: "resources pattern does not match an event array with no item in common",
      pattern: resourcesPattern,
      event: { resources: ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] },
      expected: false,
    },
    {
      name: "resources pattern does not match an empty event array",
      pattern: resourcesPattern,
      event: { resources: [] },
      expected: false,
    },
  ]);
});

describe("doc examples: Comparison operators for use in event patterns in Amazon EventBridge", () => {
  const complexPattern = {
    time: [{ prefix: "2017-10-02" }],
    detail: {
      state: [{ "anything-but": "initializing" }],
      "c-count": [{ numeric: [">", 0, "<=", 5] }],
      "d-count": [{ numeric: ["<", 10] }],
      "x-limit": [{ "anything-but": [100, 200, 300] }],
    },
  };
  const complexEvent = {
    time: "2017-10-02T16:24:49Z",
    detail: { state: "running", "c-count": 5, "d-count": 3, "x-limit": 301.8 },
  };

  runMatchCases([
    // Summary table
    {
      name: "And: Location New York and Day Monday matches both",
      pattern: { Location: ["New York"], Day: ["Monday"] },
      event: { Location: "New York", Day: "Monday" },
      expected: true,
    },
    {
      name: "And: Location New York and Day Monday does not match Tuesday",
      pattern: { Location: ["New York"], Day: ["Monday"] },
      event: { Location: "New York", Day: "Tuesday" },
      expected: false,
    },
    {
      name: "Or: PaymentType Credit or Debit matches Debit",
      pattern: { PaymentType: ["Credit", "Debit"] },
      event: { PaymentType: "Debit" },
      expected: true,
    },
    {
      name: "Or: PaymentType Credit or Debit does not match Cash",
      pattern: { PaymentType: ["Credit", "Debit"] },
      event: { PaymentType: "Cash" },
      expected: false,
    },
    {
      name: "Or ($or): Location New York or Day Monday matches Day Monday elsewhere",
      pattern: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] },
      event: { Location: "Boston", Day: "Monday" },
      expected: true,
    },
    {
      name: "Or ($or): Location New York or Day Monday does not match Boston on Tuesday",
      pattern: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] },
      event: { Location: "Boston", Day: "Tuesday" },
      expected: false,
    },
    {
      name: "Equals: Name Alice matches Alice",
      pattern: { Name: ["Alice"] },
      event: { Name: "Alice" },
      expected: true,
    },
    {
      name: "Equals: Name Alice does not match alice (no case folding)",
      pattern: { Name: ["Alice"] },
      event: { Name: "alice" },
      expected: false,
    },
    {
      name: "Equals (ignore case): alice matches ALICE",
      pattern: { Name: [{ "equals-ignore-case": "alice" }] },
      event: { Name: "ALICE" },
      expected: true,
    },
    {
      name: "Equals (ignore case): alice does not match Alicia",
      pattern: { Name: [{ "equals-ignore-case": "alice" }] },
      event: { Name: "Alicia" },
      expected: false,
    },
    {
      name: 'Empty: LastName [""] matches an empty LastName',
      pattern: { LastName: [""] },
      event: { LastName: "" },
      expected: true,
    },
    {
      name: 'Empty: LastName [""] does not match LastName Smith',
      pattern: { LastName: [""] },
      event: { LastName: "Smith" },
      expected: false,
    },
    {
      name: "Null: UserID [null] matches a null UserID",
      pattern: { UserID: [null] },
      event: { UserID: null },
      expected: true,
    },
    {
      name: "Null: UserID [null] does not match UserID u-1",
      pattern: { UserID: [null] },
      event: { UserID: "u-1" },
      expected: false,
    },
    {
      name: "Not: Weather anything-but [Raining] matches Sunny",
      pattern: { Weather: [{ "anything-but": ["Raining"] }] },
      event: { Weather: "Sunny" },
      expected: true,
    },
    {
      name: "Not: Weather anything-but [Raining] does not match Raining",
      pattern: { Weather: [{ "anything-but": ["Raining"] }] },
      event: { Weather: "Raining" },
      expected: false,
    },
    {
      name: "Numeric (equals): Price = 100 matches 100",
      pattern: { Price: [{ numeric: ["=", 100] }] },
      event: { Price: 100 },
      expected: true,
    },
    {
      name: "Numeric (equals): Price = 100 does not match 101",
      pattern: { Price: [{ numeric: ["=", 100] }] },
      event: { Price: 101 },
      expected: false,
    },
    {
      name: "Numeric (range): Price > 10 and <= 20 matches 20",
      pattern: { Price: [{ numeric: [">", 10, "<=", 20] }] },
      event: { Price: 20 },
      expected: true,
    },
    {
      name: "Numeric (range): Price > 10 and <= 20 does not match 10",
      pattern: { Price: [{ numeric: [">", 10, "<=", 20] }] },
      event: { Price: 10 },
      expected: false,
    },
    {
      name: "Exists: ProductName exists matches an event with ProductName",
      pattern: { ProductName: [{ exists: true }] },
      event: { ProductName: "Widget" },
      expected: true,
    },
    {
      name: "Exists: ProductName exists does not match an event without ProductName",
      pattern: { ProductName: [{ exists: true }] },
      event: { Price: 1 },
      expected: false,
    },
    {
      name: "Does not exist: ProductName exists false matches an event without ProductName",
      pattern: { ProductName: [{ exists: false }] },
      event: { Price: 1 },
      expected: true,
    },
    {
      name: "Does not exist: ProductName exists false does not match an event with ProductName",
      pattern: { ProductName: [{ exists: false }] },
      event: { ProductName: "Widget" },
      expected: false,
    },
    {
      name: "Begins with: Region prefix us- matches us-east-1",
      pattern: { Region: [{ prefix: "us-" }] },
      event: { Region: "us-east-1" },
      expected: true,
    },
    {
      name: "Begins with: Region prefix us- does not match eu-west-1",
      pattern: { Region: [{ prefix: "us-" }] },
      event: { Region: "eu-west-1" },
      expected: false,
    },
    {
      name: "Anything-but (begins with): Region not prefix us- matches eu-west-1",
      pattern: { Region: [{ "anything-but": { prefix: "us-" } }] },
      event: { Region: "eu-west-1" },
      expected: true,
    },
    {
      name: "Anything-but (begins with): Region not prefix us- does not match us-west-2",
      pattern: { Region: [{ "anything-but": { prefix: "us-" } }] },
      event: { Region: "us-west-2" },
      expected: false,
    },
    {
      name: "Ends with: FileName suffix .png matches photo.png",
      pattern: { FileName: [{ suffix: ".png" }] },
      event: { FileName: "photo.png" },
      expected: true,
    },
    {
      name: "Ends with: FileName suffix .png does not match photo.PNG (case-sensitive)",
      pattern: { FileName: [{ suffix: ".png" }] },
      event: { FileName: "photo.PNG" },
      expected: false,
    },
    {
      name: "Ends with (ignore case): service suffix tBridge matches EVENTBRIDGE",
      pattern: { service: [{ suffix: { "equals-ignore-case": "tBridge" } }] },
      event: { service: "EVENTBRIDGE" },
      expected: true,
    },
    {
      name: "Ends with (ignore case): service suffix tBridge does not match EventBus",
      pattern: { service: [{ suffix: { "equals-ignore-case": "tBridge" } }] },
      event: { service: "EventBus" },
      expected: false,
    },
    {
      name: "Begins with (ignore case): service prefix eventb matches EVENTBRIDGE",
      pattern: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] },
      event: { service: "EVENTBRIDGE" },
      expected: true,
    },
    {
      name: "Begins with (ignore case): service prefix eventb does not match SQS",
      pattern: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] },
      event: { service: "SQS" },
      expected: false,
    },
    {
      name: "Anything-but (ends with): FileName not suffix .png matches notes.txt",
      pattern: { FileName: [{ "anything-but": { suffix: ".png" } }] },
      event: { FileName: "notes.txt" },
      expected: true,
    },
    {
      name: "Anything-but (ends with): FileName not suffix .png does not match photo.png",
      pattern: { FileName: [{ "anything-but": { suffix: ".png" } }] },
      event: { FileName: "photo.png" },
      expected: false,
    },
    {
      name: "Anything-but (ignore case): state not initializing matches running",
      pattern: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] },
      event: { state: "running" },
      expected: true,
    },
    {
      name: "Anything-but (ignore case): state not initializing does not match INITIALIZING",
      pattern: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] },
      event: { state: "INITIALIZING" },
      expected: false,
    },
    {
      name: "Anything-but using a wildcard: FilePath not */lib/* matches /usr/bin/tool",
      pattern: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
      event: { FilePath: "/usr/bin/tool" },
      expected: true,
    },
    {
      name: "Anything-but using a wildcard: FilePath not */lib/* does not match /usr/lib/libc.so",
      pattern: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
      event: { FilePath: "/usr/lib/libc.so" },
      expected: false,
    },
    {
      name: "Wildcard: FileName dir/*.png matches dir/photo.png",
      pattern: { FileName: [{ wildcard: "dir/*.png" }] },
      event: { FileName: "dir/photo.png" },
      expected: true,
    },
    {
      name: "Wildcard: FileName dir/*.png does not match other/photo.png",
      pattern: { FileName: [{ wildcard: "dir/*.png" }] },
      event: { FileName: "other/photo.png" },
      expected: false,
    },
    // Section examples
    {
      name: "prefix 2017-10-02 matches time 2017-10-02T18:43:48Z",
      pattern: { time: [{ prefix: "2017-10-02" }] },
      event: { time: "2017-10-02T18:43:48Z" },
      expected: true,
    },
    {
      name: "prefix 2017-10-02 does not match time 2017-10-03T00:00:00Z",
      pattern: { time: [{ prefix: "2017-10-02" }] },
      event: { time: "2017-10-03T00:00:00Z" },
      expected: false,
    },
    {
      name: "prefix ignoring case EventB matches detail.service eventbridge",
      pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
      event: { detail: { service: "eventbridge" } },
      expected: true,
    },
    {
      name: "prefix ignoring case EventB does not match detail.service MyEventBus",
      pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
      event: { detail: { service: "MyEventBus" } },
      expected: false,
    },
    {
      name: "suffix ignoring case .png matches detail.FileName photo.PNG",
      pattern: { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
      event: { detail: { FileName: "photo.PNG" } },
      expected: true,
    },
    {
      name: "suffix ignoring case .png does not match detail.FileName photo.jpg",
      pattern: { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
      event: { detail: { FileName: "photo.jpg" } },
      expected: false,
    },
    {
      name: "anything-but string initializing matches detail.state running",
      pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
      event: { detail: { state: "running" } },
      expected: true,
    },
    {
      name: "anything-but string initializing does not match detail.state initializing",
      pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
      event: { detail: { state: "initializing" } },
      expected: false,
    },
    {
      name: "anything-but number 123 matches detail.x-limit 124",
      pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
      event: { detail: { "x-limit": 124 } },
      expected: true,
    },
    {
      name: "anything-but number 123 does not match detail.x-limit 123",
      pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
      event: { detail: { "x-limit": 123 } },
      expected: false,
    },
    {
      name: "anything-but list [stopped, overloaded] matches detail.state running",
      pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
      event: { detail: { state: "running" } },
      expected: true,
    },
    {
      name: "anything-but list [stopped, overloaded] does not match detail.state overloaded",
      pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
      event: { detail: { state: "overloaded" } },
      expected: false,
    },
    {
      name: "anything-but numbers [100, 200, 300] matches detail.x-limit 301.8",
      pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
      event: { detail: { "x-limit": 301.8 } },
      expected: true,
    },
    {
      name: "anything-but numbers [100, 200, 300] does not match detail.x-limit 200",
      pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
      event: { detail: { "x-limit": 200 } },
      expected: false,
    },
    {
      name: "anything-but prefix init matches detail.state running",
      pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
      event: { detail: { state: "running" } },
      expected: true,
    },
    {
      name: "anything-but prefix init does not match detail.state initializing",
      pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
      event: { detail: { state: "initializing" } },
      expected: false,
    },
    {
      name: "anything-but equals-ignore-case list [Stopped, OverLoaded] matches running",
      pattern: {
        detail: {
          state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }],
        },
      },
      event: { detail: { state: "running" } },
      expected: true,
    },
    {
      name: "anything-but equals-ignore-case list [Stopped, OverLoaded] does not match STOPPED",
      pattern: {
        detail: {
          state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }],
        },
      },
      event: { detail: { state: "STOPPED" } },
      expected: false,
    },
    {
      name: "numeric c-count/d-count/x-limit example matches c-count 5, d-count 3, x-limit 301.8",
      pattern: {
        detail: {
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ numeric: ["=", 3.018e2] }],
        },
      },
      event: { detail: { "c-count": 5, "d-count": 3, "x-limit": 301.8 } },
      expected: true,
    },
    {
      name: "numeric c-count/d-count/x-limit example does not match c-count 0",
      pattern: {
        detail: {
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ numeric: ["=", 3.018e2] }],
        },
      },
      event: { detail: { "c-count": 0, "d-count": 3, "x-limit": 301.8 } },
      expected: false,
    },
    {
      name: "cidr 10.0.0.0/24 matches detail.sourceIPAddress 10.0.0.255",
      pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
      event: { detail: { sourceIPAddress: "10.0.0.255" } },
      expected: true,
    },
    {
      name: "cidr 10.0.0.0/24 does not match detail.sourceIPAddress 10.0.1.1",
      pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
      event: { detail: { sourceIPAddress: "10.0.1.1" } },
      expected: false,
    },
    {
      name: "exists true on detail.state matches the documented pending-instance event",
      pattern: { detail: { state: [{ exists: true }] } },
      event: { ...EC2_EVENT, detail: { "instance-id": "i-abcd1111", state: "pending" } },
      expected: true,
    },
    {
      name: "exists true on detail.state does not match an event whose detail has only c-count",
      pattern: { detail: { state: [{ exists: true }] } },
      event: { detail: { "c-count": { c1: 100 } } },
      expected: false,
    },
    {
      name: "exists false on detail.c-count matches an event without c-count",
      pattern: { detail: { "c-count": [{ exists: false }] } },
      event: { detail: { state: ["initializing", "running"] } },
      expected: true,
    },
    {
      name: "exists false on detail.c-count matches when c-count is an object (not a leaf node)",
      pattern: { detail: { "c-count": [{ exists: false }] } },
      event: { detail: { state: "running", "c-count": { c1: 100 } } },
      expected: true,
    },
    {
      name: "exists false on detail.c-count does not match c-count 5",
      pattern: { detail: { "c-count": [{ exists: false }] } },
      event: { detail: { "c-count": 5 } },
      expected: false,
    },
    {
      name: "complex example (prefix, anything-but, numeric) matches the documented event",
      pattern: complexPattern,
      event: complexEvent,
      expected: true,
    },
    {
      name: "complex example does not match when x-limit is the excluded value 300",
      pattern: complexPattern,
      event: { ...complexEvent, detail: { ...complexEvent.detail, "x-limit": 300 } },
      expected: false,
    },
    {
      name: "$or over c-count, d-count, x-limit matches when only x-limit = 301.8 holds",
      pattern: {
        detail: {
          $or: [
            { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
            { "d-count": [{ numeric: ["<", 10] }] },
            { "x-limit": [{ numeric: ["=", 3.018e2] }] },
          ],
        },
      },
      event: { detail: { "c-count": 9, "d-count": 50, "x-limit": 301.8 } },
      expected: true,
    },
    {
      name: "$or over c-count, d-count, x-limit does not match when no branch holds",
      pattern: {
        detail: {
          $or: [
            { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
            { "d-count": [{ numeric: ["<", 10] }] },
            { "x-limit": [{ numeric: ["=", 3.018e2] }] },
          ],
        },
      },
      event: { detail: { "c-count": 9, "d-count": 50, "x-limit": 1 } },
      expected: false,
    },
  ]);
});

describe("null versus missing fields", () => {
  runMatchCases([
    {
      name: "exists true matches a field that is present with value null",
      pattern: { detail: { command: [{ exists: true }] } },
      event: { detail: { command: null } },
      expected: true,
    },
    {
      name: "exists false does not match a field that is present with value null",
      pattern: { detail: { command: [{ exists: false }] } },
      event: { detail: { command: null } },
      expected: false,
    },
    {
      name: "exists false matches when the parent object itself is missing",
      pattern: { detail: { command: [{ exists: false }] } },
      event: { source: "x" },
      expected: true,
    },
    {
      name: "exists true does not match when the parent object itself is missing",
      pattern: { detail: { command: [{ exists: true }] } },
      event: { source: "x" },
      expected: false,
    },
    {
      name: "exists true does not match an empty array (no leaf value)",
      pattern: { tags: [{ exists: true }] },
      event: { tags: [] },
      expected: false,
    },
    {
      name: "exists true matches an array holding a value",
      pattern: { tags: [{ exists: true }] },
      event: { tags: ["a"] },
      expected: true,
    },
    {
      name: "anything-but matches a field that is present with value null",
      pattern: { detail: { command: [{ "anything-but": ["no-message"] }] } },
      event: { detail: { command: null } },
      expected: true,
    },
    {
      name: "anything-but does not match a missing field",
      pattern: { detail: { command: [{ "anything-but": ["no-message"] }] } },
      event: { detail: { payload: "baz" } },
      expected: false,
    },
    {
      name: "anything-but suffix matches a null value (null has no suffix)",
      pattern: { detail: { file: [{ "anything-but": { suffix: ".txt" } }] } },
      event: { detail: { file: null } },
      expected: true,
    },
    {
      name: "null alongside exists false matches either a null or a missing field (missing)",
      pattern: { detail: { command: [null, { exists: false }] } },
      event: { detail: {} },
      expected: true,
    },
    {
      name: "null alongside exists false does not match a string value",
      pattern: { detail: { command: [null, { exists: false }] } },
      event: { detail: { command: "run" } },
      expected: false,
    },
  ]);
});

describe("value types", () => {
  runMatchCases([
    {
      name: "[true] matches the boolean true",
      pattern: { enabled: [true] },
      event: { enabled: true },
      expected: true,
    },
    {
      name: '["true"] does not match the boolean true',
      pattern: { enabled: ["true"] },
      event: { enabled: true },
      expected: false,
    },
    {
      name: "[false] does not match a missing field",
      pattern: { enabled: [false] },
      event: {},
      expected: false,
    },
    {
      name: '[300] does not match the string "300"',
      pattern: { n: [300] },
      event: { n: "300" },
      expected: false,
    },
    {
      name: "[300] matches parsed 300.0: JSON.parse erases the lexical difference the docs compare",
      pattern: { n: [300] },
      event: JSON.parse('{"n": 300.0}'),
      expected: true,
    },
    {
      name: "[300] does not match 300.5",
      pattern: { n: [300] },
      event: { n: 300.5 },
      expected: false,
    },
    {
      name: 'anything-but ["100"] matches the number 100 (types differ)',
      pattern: { n: [{ "anything-but": ["100"] }] },
      event: { n: 100 },
      expected: true,
    },
    {
      name: "prefix does not match a number value",
      pattern: { n: [{ prefix: "1" }] },
      event: { n: 123 },
      expected: false,
    },
    {
      name: "equals-ignore-case does not match a boolean value",
      pattern: { b: [{ "equals-ignore-case": "TRUE" }] },
      event: { b: true },
      expected: false,
    },
    {
      name: "a scalar candidate does not match an object value",
      pattern: { detail: ["x"] },
      event: { detail: { x: "x" } },
      expected: false,
    },
  ]);
});

describe("numeric ranges", () => {
  runMatchCases([
    {
      name: "> 0 and <= 5 does not match the lower bound 0",
      pattern: { c: [{ numeric: [">", 0, "<=", 5] }] },
      event: { c: 0 },
      expected: false,
    },
    {
      name: ">= 0 and < 5 matches the lower bound 0",
      pattern: { c: [{ numeric: [">=", 0, "<", 5] }] },
      event: { c: 0 },
      expected: true,
    },
    {
      name: ">= 0 and < 5 does not match the upper bound 5",
      pattern: { c: [{ numeric: [">=", 0, "<", 5] }] },
      event: { c: 5 },
      expected: false,
    },
    {
      name: "<= 5 (a single comparison) matches the negative value -3.5",
      pattern: { c: [{ numeric: ["<=", 5] }] },
      event: { c: -3.5 },
      expected: true,
    },
    {
      name: ">= 10 does not match 9.999999",
      pattern: { c: [{ numeric: [">=", 10] }] },
      event: { c: 9.999999 },
      expected: false,
    },
    {
      name: "= 5 matches 5.0000001 (precision is six digits after the decimal point)",
      pattern: { c: [{ numeric: ["=", 5] }] },
      event: { c: 5.0000001 },
      expected: true,
    },
    {
      name: "= 5 does not match 5.000001",
      pattern: { c: [{ numeric: ["=", 5] }] },
      event: { c: 5.000001 },
      expected: false,
    },
    {
      name: 'numeric does not match the string "3"',
      pattern: { c: [{ numeric: [">", 0] }] },
      event: { c: "3" },
      expected: false,
    },
    {
      name: "numeric does not match a value beyond the documented +5.0e9 limit",
      pattern: { c: [{ numeric: [">", 0] }] },
      event: { c: 6e9 },
      expected: false,
    },
    {
      name: "numeric matches the documented limit 5.0e9 itself",
      pattern: { c: [{ numeric: [">", 0] }] },
      event: { c: 5e9 },
      expected: true,
    },
    {
      name: "numeric matches when any element of an event array is in range",
      pattern: { c: [{ numeric: [">", 10] }] },
      event: { c: [1, 50] },
      expected: true,
    },
    {
      name: "numeric does not match when no element of an event array is in range",
      pattern: { c: [{ numeric: [">", 10] }] },
      event: { c: [1, 5] },
      expected: false,
    },
    {
      name: "two numeric candidates act as OR: < 0 or > 100 matches 150",
      pattern: { c: [{ numeric: ["<", 0] }, { numeric: [">", 100] }] },
      event: { c: 150 },
      expected: true,
    },
    {
      name: "two numeric candidates act as OR: < 0 or > 100 does not match 50",
      pattern: { c: [{ numeric: ["<", 0] }, { numeric: [">", 100] }] },
      event: { c: 50 },
      expected: false,
    },
  ]);
});

describe("arrays and nested fields in events", () => {
  const employees = {
    employees: [
      { firstName: "John", lastName: "Doe" },
      { firstName: "Anna", lastName: "Smith" },
      { firstName: "Peter", lastName: "Jones" },
    ],
  };

  runMatchCases([
    {
      name: "a nested pattern matches an object inside an event array",
      pattern: { employees: { firstName: ["Anna"] } },
      event: employees,
      expected: true,
    },
    {
      name: "a nested pattern does not match when no array element has the value",
      pattern: { employees: { firstName: ["Maria"] } },
      event: employees,
      expected: false,
    },
    {
      name: "fields from different array elements do not combine (Anna + Jones)",
      pattern: { employees: { firstName: ["Anna"], lastName: ["Jones"] } },
      event: employees,
      expected: false,
    },
    {
      name: "fields from the same array element combine (Anna + Smith)",
      pattern: { employees: { firstName: ["Anna"], lastName: ["Smith"] } },
      event: employees,
      expected: true,
    },
    {
      name: "arrays of arrays of objects are flattened",
      pattern: { employees: { firstName: ["Peter"] } },
      event: { employees: [[employees.employees[0]], [employees.employees[2]]] },
      expected: true,
    },
    {
      name: "arrays of arrays of values are flattened",
      pattern: { tags: ["b"] },
      event: { tags: [["a"], ["b", "c"]] },
      expected: true,
    },
    {
      name: "anything-but matches an array with at least one non-excluded element",
      pattern: { state: [{ "anything-but": "stopped" }] },
      event: { state: ["stopped", "running"] },
      expected: true,
    },
    {
      name: "anything-but does not match an array whose elements are all excluded",
      pattern: { state: [{ "anything-but": "stopped" }] },
      event: { state: ["stopped"] },
      expected: false,
    },
    {
      name: "three levels of nesting match",
      pattern: { detail: { requestParameters: { bucket: { name: [{ prefix: "logs-" }] } } } },
      event: { detail: { requestParameters: { bucket: { name: "logs-2024" } } } },
      expected: true,
    },
    {
      name: "three levels of nesting do not match when the middle level is a string",
      pattern: { detail: { requestParameters: { bucket: { name: [{ prefix: "logs-" }] } } } },
      event: { detail: { requestParameters: "logs-2024" } },
      expected: false,
    },
    {
      name: "a dotted key in the pattern is not a path into nested objects",
      pattern: { "detail.state": ["running"] },
      event: { detail: { state: "running" } },
      expected: false,
    },
    {
      name: "an empty pattern matches any event",
      pattern: {},
      event: { source: "anything" },
      expected: true,
    },
    {
      name: "a non-object event has no fields, so a required field does not match",
      pattern: { source: ["aws.batch"] },
      event: "aws.batch",
      expected: false,
    },
  ]);
});

describe("wildcard", () => {
  runMatchCases([
    {
      name: "* matches the empty string between literals",
      pattern: { f: [{ wildcard: "dir/*.png" }] },
      event: { f: "dir/.png" },
      expected: true,
    },
    {
      name: "several wildcards match in order",
      pattern: { arn: [{ wildcard: "arn:aws:events:*:*:event-bus/*" }] },
      event: { arn: "arn:aws:events:us-east-1:123456789012:event-bus/default" },
      expected: true,
    },
    {
      name: "several wildcards do not match when a literal is missing",
      pattern: { arn: [{ wildcard: "arn:aws:events:*:*:event-bus/*" }] },
      event: { arn: "arn:aws:events:us-east-1:123456789012:rule/default" },
      expected: false,
    },
    {
      name: "a wildcard without * is an exact match",
      pattern: { f: [{ wildcard: "abc" }] },
      event: { f: "abcd" },
      expected: false,
    },
    {
      name: "prefix and suffix literals may not overlap (a*a does not match a)",
      pattern: { f: [{ wildcard: "a*a" }] },
      event: { f: "a" },
      expected: false,
    },
    {
      name: "\\* is a literal star and matches value*end",
      pattern: { f: [{ wildcard: "value\\*end" }] },
      event: { f: "value*end" },
      expected: true,
    },
    {
      name: "\\* is a literal star and does not match valueXend",
      pattern: { f: [{ wildcard: "value\\*end" }] },
      event: { f: "valueXend" },
      expected: false,
    },
    {
      name: "\\\\ is a literal backslash followed by a wildcard",
      pattern: { f: [{ wildcard: "C:\\\\*" }] },
      event: { f: "C:\\Windows" },
      expected: true,
    },
    {
      name: "? has no special meaning",
      pattern: { f: [{ wildcard: "a?c" }] },
      event: { f: "abc" },
      expected: false,
    },
    {
      name: "wildcard does not match a number value",
      pattern: { f: [{ wildcard: "*" }] },
      event: { f: 42 },
      expected: false,
    },
  ]);
});

describe("cidr", () => {
  runMatchCases([
    {
      name: "IPv6 2001:db8::/32 matches 2001:db8:1::5",
      pattern: { ip: [{ cidr: "2001:db8::/32" }] },
      event: { ip: "2001:db8:1::5" },
      expected: true,
    },
    {
      name: "IPv6 2001:db8::/32 does not match 2001:db9::5",
      pattern: { ip: [{ cidr: "2001:db8::/32" }] },
      event: { ip: "2001:db9::5" },
      expected: false,
    },
    {
      name: "IPv4 range does not match an IPv6 address",
      pattern: { ip: [{ cidr: "0.0.0.0/0" }] },
      event: { ip: "::1" },
      expected: false,
    },
    {
      name: "/32 matches exactly one address",
      pattern: { ip: [{ cidr: "192.0.2.7/32" }] },
      event: { ip: "192.0.2.7" },
      expected: true,
    },
    {
      name: "cidr does not match a string that is not an IP address",
      pattern: { ip: [{ cidr: "10.0.0.0/8" }] },
      event: { ip: "10.example.com" },
      expected: false,
    },
  ]);
});

describe("$or", () => {
  runMatchCases([
    {
      name: "$or alongside a field: source and (metricName or namespace) matches namespace",
      pattern: {
        source: ["aws.cloudwatch"],
        $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }],
      },
      event: { source: "aws.cloudwatch", namespace: "AWS/EC2" },
      expected: true,
    },
    {
      name: "$or alongside a field: does not match when the field fails though a branch holds",
      pattern: {
        source: ["aws.cloudwatch"],
        $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }],
      },
      event: { source: "aws.ec2", namespace: "AWS/EC2" },
      expected: false,
    },
    {
      name: "a branch with two fields needs both (AND inside OR)",
      pattern: { $or: [{ a: ["1"], b: ["2"] }, { c: ["3"] }] },
      event: { a: "1", b: "x" },
      expected: false,
    },
    {
      name: "nested $or inside a branch matches its inner alternative",
      pattern: {
        $or: [
          { metricName: ["X"] },
          { namespace: ["AWS/EC2"], $or: [{ id: [1] }, { space: [2] }] },
        ],
      },
      event: { namespace: "AWS/EC2", space: 2 },
      expected: true,
    },
    {
      name: "nested $or inside a branch does not match when neither inner alternative holds",
      pattern: {
        $or: [
          { metricName: ["X"] },
          { namespace: ["AWS/EC2"], $or: [{ id: [1] }, { space: [2] }] },
        ],
      },
      event: { namespace: "AWS/EC2", space: 3 },
      expected: false,
    },
    {
      name: "$or branches with exists false match an event lacking the field",
      pattern: { detail: { $or: [{ flag: [false] }, { flag: [{ exists: false }] }] } },
      event: { detail: {} },
      expected: true,
    },
    {
      name: "$or branches with exists false do not match flag true",
      pattern: { detail: { $or: [{ flag: [false] }, { flag: [{ exists: false }] }] } },
      event: { detail: { flag: true } },
      expected: false,
    },
  ]);
});

describe("the rule pattern this program deploys", () => {
  const deployedPattern = {
    source: ["aws.batch"],
    "detail-type": ["Batch Job State Change"],
    detail: {
      status: ["SUCCEEDED", "FAILED"],
      jobQueue: ["arn:aws:batch:us-east-1:123456789012:job-queue/q1"],
    },
  };
  const batchEvent = {
    version: "0",
    id: "c8f9c4b5-76e5-d76a-f980-7011e206042b",
    "detail-type": "Batch Job State Change",
    source: "aws.batch",
    account: "123456789012",
    time: "2024-05-01T12:00:00Z",
    region: "us-east-1",
    resources: ["arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8"],
    detail: {
      jobName: "nightly",
      jobId: "4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
      jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/q1",
      status: "FAILED",
      statusReason: "Essential container in task exited",
      attempts: [{ container: { logStreamName: "nightly/default/abc", exitCode: 1 } }],
    },
  };

  test("the deployed pattern passes validation", () => {
    // Prepare
    const pattern: unknown = JSON.parse(JSON.stringify(deployedPattern));

    // Act
    const validate = () => validateEventPattern(pattern);

    // Assess
    expect(validate).not.toThrow();
  });

  runMatchCases([
    {
      name: "deployed pattern matches a FAILED job on queue q1",
      pattern: deployedPattern,
      event: batchEvent,
      expected: true,
    },
    {
      name: "deployed pattern matches a SUCCEEDED job on queue q1",
      pattern: deployedPattern,
      event: { ...batchEvent, detail: { ...batchEvent.detail, status: "SUCCEEDED" } },
      expected: true,
    },
    {
      name: "deployed pattern does not match a RUNNING job (another status)",
      pattern: deployedPattern,
      event: { ...batchEvent, detail: { ...batchEvent.detail, status: "RUNNING" } },
      expected: false,
    },
    {
      name: "deployed pattern does not match a FAILED job on queue q2 (another queue)",
      pattern: deployedPattern,
      event: {
        ...batchEvent,
        detail: {
          ...batchEvent.detail,
          jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/q2",
        },
      },
      expected: false,
    },
    {
      name: "deployed pattern does not match a Batch Job Queue Blocked event (another detail-type)",
      pattern: deployedPattern,
      event: { ...batchEvent, "detail-type": "Batch Job Queue Blocked" },
      expected: false,
    },
    {
      name: "deployed pattern does not match the same detail from another source",
      pattern: deployedPattern,
      event: { ...batchEvent, source: "custom.batch" },
      expected: false,
    },
    {
      name: "deployed pattern does not match lower-case status failed",
      pattern: deployedPattern,
      event: { ...batchEvent, detail: { ...batchEvent.detail, status: "failed" } },
      expected: false,
    },
  ]);
});

describe("invalid patterns", () => {
  const invalidCases: { name: string; pattern: unknown; message: string }[] = [
    {
      name: "an array instead of an object",
      pattern: [{ source: ["aws.batch"] }],
      message: "Invalid event pattern: the pattern must be a JSON object, got an array",
    },
    {
      name: "null instead of an object",
      pattern: null,
      message: "Invalid event pattern: the pattern must be a JSON object, got null",
    },
    {
      name: "a bare string field value",
      pattern: { source: "aws.batch" },
      message:
        'Invalid event pattern at "source": a field must map to an object or an array of match values, got the string "aws.batch"',
    },
    {
      name: "an empty array of values",
      pattern: { detail: { status: [] } },
      message: 'Invalid event pattern at "detail.status": empty arrays are not allowed',
    },
    {
      name: "a nested array value",
      pattern: { source: [["aws.batch"]] },
      message:
        'Invalid event pattern at "source[0]": a match value must be a string, number, boolean, null or match expression object, got an array',
    },
    {
      name: "a match expression with two keys",
      pattern: { f: [{ prefix: "a", suffix: "b" }] },
      message:
        'Invalid event pattern at "f[0]": a match expression must have exactly one key, got 2 (prefix, suffix)',
    },
    {
      name: "an empty match expression",
      pattern: { f: [{}] },
      message:
        'Invalid event pattern at "f[0]": a match expression must have exactly one key, got 0',
    },
    {
      name: "an undocumented match type (contains)",
      pattern: { type: [{ contains: "Normal" }] },
      message: 'Invalid event pattern at "type[0]": unrecognized match type "contains"',
    },
    {
      name: "a numeric prefix",
      pattern: { time: [{ prefix: 2017 }] },
      message:
        'Invalid event pattern at "time[0].prefix": expected a string or {"equals-ignore-case": string}, got number',
    },
    {
      name: "a suffix with an unknown nested key",
      pattern: { f: [{ suffix: { "ends-with": ".png" } }] },
      message:
        'Invalid event pattern at "f[0].suffix": expected a string or {"equals-ignore-case": string}, got an object',
    },
    {
      name: "equals-ignore-case with a number",
      pattern: { f: [{ "equals-ignore-case": 5 }] },
      message: 'Invalid event pattern at "f[0].equals-ignore-case": expected a string, got number',
    },
    {
      name: 'exists with the string "true"',
      pattern: { detail: { state: [{ exists: "true" }] } },
      message:
        'Invalid event pattern at "detail.state[0].exists": expected true or false, got the string "true"',
    },
    {
      name: "numeric that is not an array",
      pattern: { x: [{ numeric: ">" }] },
      message:
        'Invalid event pattern at "x[0].numeric": expected [operator, number] or [">" or ">=", number, "<" or "<=", number]',
    },
    {
      name: "numeric with three elements",
      pattern: { x: [{ numeric: [">", 0, "<="] }] },
      message:
        'Invalid event pattern at "x[0].numeric": expected [operator, number] or [">" or ">=", number, "<" or "<=", number]',
    },
    {
      name: "numeric with an unknown operator",
      pattern: { x: [{ numeric: ["!=", 5] }] },
      message:
        'Invalid event pattern at "x[0].numeric[0]": expected one of "<", "<=", "=", ">", ">=", got "!="',
    },
    {
      name: "numeric with a string operand",
      pattern: { x: [{ numeric: [">", "5"] }] },
      message:
        'Invalid event pattern at "x[0].numeric[1]": expected a number between -5e9 and 5e9, got "5"',
    },
    {
      name: "numeric with an operand beyond the documented limit",
      pattern: { x: [{ numeric: ["<", 6e9] }] },
      message:
        'Invalid event pattern at "x[0].numeric[1]": expected a number between -5e9 and 5e9, got 6000000000',
    },
    {
      name: "numeric range starting with an upper bound",
      pattern: { x: [{ numeric: ["<", 10, ">", 0] }] },
      message: 'Invalid event pattern at "x[0].numeric": a range must start with ">" or ">="',
    },
    {
      name: "numeric range whose second comparison is =",
      pattern: { x: [{ numeric: [">", 0, "=", 5] }] },
      message: 'Invalid event pattern at "x[0].numeric[2]": expected one of "<", "<=", got "="',
    },
    {
      name: "numeric range with equal bounds",
      pattern: { x: [{ numeric: [">=", 5, "<=", 5] }] },
      message:
        'Invalid event pattern at "x[0].numeric": the lower bound 5 must be less than the upper bound 5',
    },
    {
      name: "wildcard with consecutive stars",
      pattern: { f: [{ wildcard: "a**b" }] },
      message:
        'Invalid event pattern at "f[0].wildcard": consecutive wildcard characters are not allowed (position 2)',
    },
    {
      name: "wildcard escaping a character other than * or \\",
      pattern: { f: [{ wildcard: "a\\b" }] },
      message:
        'Invalid event pattern at "f[0].wildcard": a backslash may only escape "*" or "\\" (position 1)',
    },
    {
      name: "cidr without a prefix length",
      pattern: { ip: [{ cidr: "10.0.0.0" }] },
      message:
        'Invalid event pattern at "ip[0].cidr": expected "address/prefix-length", got "10.0.0.0"',
    },
    {
      name: "cidr with an invalid address",
      pattern: { ip: [{ cidr: "10.0.0.256/24" }] },
      message: 'Invalid event pattern at "ip[0].cidr": "10.0.0.256" is not an IPv4 or IPv6 address',
    },
    {
      name: "cidr with an IPv4 prefix length above 32",
      pattern: { ip: [{ cidr: "10.0.0.0/33" }] },
      message:
        'Invalid event pattern at "ip[0].cidr": prefix length must be an integer from 0 to 32, got "33"',
    },
    {
      name: "anything-but with a mixed list",
      pattern: { x: [{ "anything-but": ["a", 1] }] },
      message:
        'Invalid event pattern at "x[0].anything-but": a list must contain only strings or only numbers',
    },
    {
      name: "anything-but with an empty list",
      pattern: { x: [{ "anything-but": [] }] },
      message: 'Invalid event pattern at "x[0].anything-but": empty arrays are not allowed',
    },
    {
      name: "anything-but with a boolean",
      pattern: { x: [{ "anything-but": true }] },
      message:
        'Invalid event pattern at "x[0].anything-but": expected a string, a number, a list of strings or numbers, or one of prefix, suffix, equals-ignore-case, wildcard; got boolean',
    },
    {
      name: "anything-but with a list of prefixes (docs: a single prefix, not a list)",
      pattern: { x: [{ "anything-but": { prefix: ["a", "b"] } }] },
      message:
        'Invalid event pattern at "x[0].anything-but.prefix": expected a non-empty string, got an array',
    },
    {
      name: "anything-but with a nested numeric",
      pattern: { x: [{ "anything-but": { numeric: [">", 5] } }] },
      message:
        'Invalid event pattern at "x[0].anything-but": unsupported anything-but match type "numeric"',
    },
    {
      name: "anything-but with an invalid nested wildcard",
      pattern: { x: [{ "anything-but": { wildcard: ["*/lib/*", "a**"] } }] },
      message:
        'Invalid event pattern at "x[0].anything-but.wildcard": consecutive wildcard characters are not allowed (position 2)',
    },
    {
      name: "$or with a single branch",
      pattern: { $or: [{ a: ["x"] }] },
      message:
        'Invalid event pattern at "$or": $or must be an array of at least two pattern objects',
    },
    {
      name: "an invalid field inside a nested $or branch",
      pattern: { detail: { $or: [{ a: ["x"] }, { b: "y" }] } },
      message:
        'Invalid event pattern at "detail.$or[1].b": a field must map to an object or an array of match values, got the string "y"',
    },
  ];

  test.each(invalidCases)("validateEventPattern rejects $name", ({ pattern, message }) => {
    // Prepare
    const validate = () => validateEventPattern(pattern);

    // Act
    const actual = thrownMessage(validate);

    // Assess
    expect(actual).toBe(message);
  });

  test("matchesEventPattern validates the pattern too and throws the same message", () => {
    // Prepare
    const pattern = { detail: { status: [] } };

    // Act
    const actual = thrownMessage(() => matchesEventPattern(pattern, { detail: { status: "x" } }));

    // Assess
    expect(actual).toBe('Invalid event pattern at "detail.status": empty arrays are not allowed');
  });
});
