export { startReceiver } from './http-receiver';
export type { Answer, ReceivedRequest, Receiver, ReceiverOptions } from './http-receiver';
export { createSelfSignedCertificate } from './self-signed';
export type { SelfSignedCertificate } from './self-signed';
export { mimeParts, startSmtpReceiver } from './smtp-receiver';
export type { ReceivedMail, SmtpReceiver, SmtpReceiverOptions } from './smtp-receiver';
export { SAMPLE_EVENT_UUID, sampleMessage, sampleSource } from './sample-message';
export { seedChannel, seedNotification, seedOutage } from './seed';
export type { SeededOutage } from './seed';
