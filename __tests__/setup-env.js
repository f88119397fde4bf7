// Tests run on Node 20 on purpose (the oldest Node the tool supports); the AWS SDK's notice that
// it will need Node 22 from 2027 would otherwise be printed once per test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
