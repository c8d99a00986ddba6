// Writes each message into is.email.dir, for development: one folder per
// message, named `<UTC time>-<id>-<template>` so a listing is in queue order
// (outbox IDs sort by creation), holding `message.txt` (headers and the text part), `message.html` and
// `message.eml` (the complete MIME message, for a mail program). The folder is
// written under a temporary name and renamed, so it appears complete.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Config } from "../../config/index.js";
import { DeliveryError, messageId, type Address, type OutgoingMail, type Provider } from "./provider.js";

const show = (a: Address) => (a.name ? `"${a.name.replace(/["\\]/g, "\\$&")}" <${a.address}>` : a.address);

/** 20240131T120000.123Z: sorts as time does and is valid on every file system. */
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "");

export function dirProvider(config: Config): Provider {
  const dir = config.is.email.dir;
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    name: "dir",
    async send(mail: OutgoingMail) {
      const name = `${stamp(mail.date)}-${mail.id}-${mail.template}`;
      const tmp = join(dir, `.${name}.tmp`);
      try {
        const { message } = (await composer.sendMail({
          from: mail.from,
          to: mail.to.name ? mail.to : mail.to.address,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          date: mail.date,
          messageId: messageId(mail),
        })) as { message: Buffer };
        const headers = [
          `Message-ID: ${messageId(mail)}`,
          `Date: ${mail.date.toUTCString()}`,
          `From: ${show(mail.from)}`,
          `To: ${show(mail.to)}`,
          `Subject: ${mail.subject}`,
        ].join("\n");
        await mkdir(tmp, { recursive: true });
        await writeFile(join(tmp, "message.txt"), `${headers}\n\n${mail.text}`);
        await writeFile(join(tmp, "message.html"), mail.html);
        await writeFile(join(tmp, "message.eml"), message);
        await rename(tmp, join(dir, name));
      } catch (err) {
        throw new DeliveryError(`dir ${dir}: ${(err as Error).message}`, false);
      }
    },
    async close() {},
  };
}
