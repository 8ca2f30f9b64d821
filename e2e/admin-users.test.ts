/**
 * Administration and account settings in Chromium against a real server (issue 13): the admin
 * opens Users from the account menu, creates a user with a quota in the dialog, and the new user
 * signs in on another device; the user changes their password in Account settings and revokes
 * their other session; the admin disables the user and the user's device is signed out.
 * Controls are found by role and accessible name.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, openDevice, screenshot, signUpOwner, startServer, until, type Device, type TestServer } from './harness.js';

const admin = { name: 'Ada Admin', email: 'ada@example.com', password: 'ada long password' };
const member = { name: 'Mo Member', email: 'mo@example.com', password: 'mo initial password' };

let server: TestServer;
let browser: Browser;
let adminDevice: Device;
let memberDevice: Device;

const openMenuItem = async (page: Page, name: string): Promise<void> => {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name }).click();
};

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  adminDevice = await openDevice(browser, server.url);
  await signUpOwner(adminDevice.page, admin);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Users and Account settings in Chromium', () => {
  it('the admin creates a user with a quota from the Users page', async () => {
    const page = adminDevice.page;
    await openMenuItem(page, 'Users');
    const table = page.getByRole('table', { name: 'Users' });
    await table.waitFor();
    expect(await table.getByRole('row').filter({ hasText: admin.email }).count()).toBe(1);
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create user' });
    await dialog.getByLabel('Email').fill(member.email);
    await dialog.getByLabel('Name').fill(member.name);
    await dialog.getByLabel('Initial password').fill(member.password);
    await dialog.getByLabel(/Quota in GiB/).fill('2');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await until('the new row', async () => (await table.getByRole('row').filter({ hasText: member.email }).count()) === 1);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.getByLabel(`Quota for ${member.email} in GiB`).inputValue()).toBe('2');
    await screenshot(page, 'admin-users');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'admin-users-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('the new user signs in on their own device', async () => {
    memberDevice = await openDevice(browser, server.url);
    await logIn(memberDevice.page, member);
    await memberDevice.page.getByTestId('user-menu').click();
    // Not an administrator: no Users entry.
    expect(await memberDevice.page.getByRole('menuitem', { name: 'Users' }).count()).toBe(0);
    await memberDevice.page.getByTestId('user-menu').click();
  });

  it('the user changes their password, signing out their other session, which they see listed', async () => {
    const other = await openDevice(browser, server.url);
    await logIn(other.page, member);
    const page = memberDevice.page;
    await openMenuItem(page, 'Account settings');
    const sessions = page.getByRole('list', { name: 'Sessions' });
    await until('two sessions', async () => (await sessions.getByRole('listitem').count()) === 2);
    await page.getByLabel('Current password').fill(member.password);
    await page.getByLabel('New password').fill('mo brand new password');
    await page.getByLabel('Sign out all other sessions').check();
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'other sessions signed out' }).waitFor();
    await until('one session left', async () => (await sessions.getByRole('listitem').count()) === 1);
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email: member.email, password: 'mo brand new password' }) });
    expect(res.status).toBe(200);
    await screenshot(page, 'account-settings');
    await other.context.close();
  });

  it('the admin disables the user: their device is signed out at once', async () => {
    const page = adminDevice.page;
    await page.getByRole('button', { name: `Disable ${member.email}` }).click();
    await page.getByRole('button', { name: `Enable ${member.email}` }).waitFor();
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email: member.email, password: 'mo brand new password' }) });
    expect(res.status).toBe(403);
    // The member's open page loses its session: its next API call is refused.
    expect(await memberDevice.page.evaluate(async () => (await fetch('/api/account/sessions')).status)).toBe(401);
  });
});
